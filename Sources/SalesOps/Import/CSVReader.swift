import Foundation

/// A streaming RFC 4180 reader: comma separated, `"` quoting with `""` escapes, CRLF or LF
/// line ends, fields spanning lines. It reads a file descriptor in fixed-size chunks, so
/// memory stays flat however large the file.
///
/// Fields come back as UTF-8-validated strings; an empty field (quoted or not) is nil.
/// A leading UTF-8 byte-order mark is skipped and blank lines are ignored.
final class CSVReader {
    /// One record and the line it starts on (1-based).
    struct Record {
        var line: Int
        var fields: [String?]
    }

    /// A malformed file: the line and what is wrong there.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private var chunk: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var startedFile = false
    /// Bytes read so far, for progress reports.
    private(set) var bytesRead = 0

    init(handle: FileHandle, chunkSize: Int = 1 << 20) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    private func nextByte() throws -> UInt8? {
        if self.position == self.chunk.count {
            guard !self.atEnd else { return nil }
            let data = try self.handle.read(upToCount: self.chunkSize) ?? Data()
            if data.isEmpty {
                self.atEnd = true
                return nil
            }
            self.chunk = [UInt8](data)
            self.position = 0
            self.bytesRead += data.count
            if !self.startedFile {
                self.startedFile = true
                if self.chunk.starts(with: [0xEF, 0xBB, 0xBF]) { self.position = 3 }
                if self.position == self.chunk.count { return try self.nextByte() }
            }
        }
        defer { self.position += 1 }
        return self.chunk[self.position]
    }

    private func peekByte() throws -> UInt8? {
        guard let byte = try self.nextByte() else { return nil }
        self.position -= 1
        return byte
    }

    /// The next record, or nil at the end of the input.
    /// - Throws: `SyntaxError` for a stray quote, an unterminated quoted field or text that
    ///   is not UTF-8 (naming the line and field number).
    func next() throws -> Record? {
        var fields: [String?] = []
        var field: [UInt8] = []
        var recordLine = self.line
        var quoted = false
        var sawAnything = false
        func finishField() throws {
            if field.isEmpty {
                fields.append(nil)
            } else {
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw SyntaxError(line: recordLine, message: "field \(fields.count + 1) is not valid UTF-8 text")
                }
                fields.append(text)
            }
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        while let byte = try self.nextByte() {
            switch byte {
            case UInt8(ascii: "\""):
                guard field.isEmpty, !quoted else {
                    throw SyntaxError(line: self.line, message: "field \(fields.count + 1) has a quote inside an unquoted value")
                }
                quoted = true
                sawAnything = true
                try self.readQuoted(into: &field, fieldNumber: fields.count + 1)
                if let following = try self.peekByte(), following != UInt8(ascii: ","),
                   following != UInt8(ascii: "\n"), following != UInt8(ascii: "\r") {
                    throw SyntaxError(line: self.line, message: "field \(fields.count + 1) has text after its closing quote")
                }
            case UInt8(ascii: ","):
                sawAnything = true
                try finishField()
            case UInt8(ascii: "\r"):
                if try self.peekByte() == UInt8(ascii: "\n") { continue }
                fallthrough
            case UInt8(ascii: "\n"):
                self.line += 1
                if !sawAnything && field.isEmpty {
                    recordLine = self.line
                    continue
                }
                try finishField()
                return Record(line: recordLine, fields: fields)
            default:
                sawAnything = true
                field.append(byte)
            }
        }
        guard sawAnything || !field.isEmpty else { return nil }
        try finishField()
        return Record(line: recordLine, fields: fields)
    }

    private func readQuoted(into field: inout [UInt8], fieldNumber: Int) throws {
        let openedOn = self.line
        while let byte = try self.nextByte() {
            if byte == UInt8(ascii: "\"") {
                if try self.peekByte() == UInt8(ascii: "\"") {
                    _ = try self.nextByte()
                    field.append(byte)
                    continue
                }
                return
            }
            if byte == UInt8(ascii: "\n") { self.line += 1 }
            field.append(byte)
        }
        throw SyntaxError(line: openedOn, message: "field \(fieldNumber) opens a quote that is never closed")
    }
}
