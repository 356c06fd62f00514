import Foundation

/// Finds a key written twice in one JSON object. `JSONDecoder` keeps the last of duplicate
/// keys silently, so `{"value": 1, "value": 1000}` would mean whatever a proxy or a log
/// reader did not see; the API refuses such bodies instead.
enum JSONDuplicateKeys {
    /// The first key that appears twice in one object of `bytes`; nil when none does (or when
    /// the text is not JSON, which the decoder reports itself).
    static func first(in bytes: [UInt8]) -> String? {
        var objects: [(keys: Set<String>, expectingKey: Bool)?] = []  // nil for an array
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                objects.append((keys: [], expectingKey: true))
            case UInt8(ascii: "["):
                objects.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = objects.popLast()
            case UInt8(ascii: ","):
                if objects.last??.expectingKey == false { objects[objects.count - 1]!.expectingKey = true }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { return nil }
                if let object = objects.last, var current = object, current.expectingKey {
                    let literal = Data(bytes[start...index])
                    guard let key = try? JSONDecoder().decode(String.self, from: literal) else { return nil }
                    guard current.keys.insert(key).inserted else { return key }
                    current.expectingKey = false
                    objects[objects.count - 1] = current
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
