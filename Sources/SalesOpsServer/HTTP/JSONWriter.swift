import Foundation
import PostgresClient

/// JSON text written straight into bytes, for the read routes answered most often: the same
/// text `JSONBody.encoder` writes (sorted keys are the caller's order; strings escaped alike;
/// numerics as `Decimal` prints them), without the reflection, key conversion and boxing
/// `JSONEncoder` spends on every field.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// For each open object or array, whether nothing has been written into it yet.
    private var empty: [Bool] = []
    /// Whether a key was just written (its value takes no comma).
    private var afterKey = false

    init(capacity: Int = 4096) {
        self.bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.empty.append(true)
    }

    mutating func endObject() {
        self.empty.removeLast()
        self.bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.empty.append(true)
    }

    mutating func endArray() {
        self.empty.removeLast()
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// An object key; the next value is its value.
    mutating func key(_ name: String) {
        self.separate()
        self.appendQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.afterKey = true
    }

    mutating func string(_ value: String) {
        self.separate()
        self.appendQuoted(value)
    }

    /// `"key": number` for a present numeric, printed as it is (the text `Decimal` prints);
    /// nothing for nil, as `JSONEncoder` omits nil fields.
    mutating func field(_ name: String, _ value: NumericText?) {
        guard let value else { return }
        self.key(name)
        self.separate()
        self.bytes.append(contentsOf: value.text.utf8)
    }

    mutating func field(_ name: String, _ value: String) {
        self.key(name)
        self.string(value)
    }

    private mutating func separate() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        guard let isEmpty = self.empty.last else { return }
        if isEmpty {
            self.empty[self.empty.count - 1] = false
        } else {
            self.bytes.append(UInt8(ascii: ","))
        }
    }

    /// A string in quotes: `"` and `\` escaped, control characters as `\n`, `\t`, ... or
    /// `\u00XX`; everything else (slashes included) as it is.
    private mutating func appendQuoted(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
