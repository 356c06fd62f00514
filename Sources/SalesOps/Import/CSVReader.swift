import Foundation

/// A streaming RFC 4180 reader: comma separated, `"` quoting with `""` escapes, CRLF or LF
/// line ends, fields spanning lines. It reads a file descriptor in fixed-size chunks, so
/// memory stays flat however large the file.
///
/// Fields come back as UTF-8-validated strings; an empty field (quoted or not) is nil.
/// A leading UTF-8 byte-order mark is skipped and blank lines are ignored. Fields, records
/// and the fields of a record are bounded (`CSVLimits`), so no input can make it buffer
/// without limit.
final class CSVReader {
    /// One record and the line it starts on (1-based).
    struct Record {
        var line: Int
        var fields: [String?]
    }

    /// A malformed file: the line, the 1-based field when one is to blame, and what is wrong.
    struct SyntaxError: Error {
        var line: Int
        var field: Int?
        var message: String
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private let limits: CSVLimits
    private var chunk: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var startedFile = false
    /// Bytes read so far, for progress reports.
    private(set) var bytesRead = 0

    init(handle: FileHandle, limits: CSVLimits = CSVLimits(), chunkSize: Int = 1 << 20) {
        self.handle = handle
        self.limits = limits
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
        var recordBytes = 0
        func finishField() throws {
            guard fields.count < self.limits.maximumFields else {
                throw SyntaxError(line: recordLine, field: nil,
                                  message: "the record has more than \(self.limits.maximumFields) fields")
            }
            if field.isEmpty {
                fields.append(nil)
            } else {
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw SyntaxError(line: recordLine, field: fields.count + 1, message: "field \(fields.count + 1) is not valid UTF-8 text")
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
                    throw SyntaxError(line: self.line, field: fields.count + 1,
                                      message: "field \(fields.count + 1) has a quote inside an unquoted value")
                }
                quoted = true
                sawAnything = true
                let before = field.count
                try self.readQuoted(into: &field, fieldNumber: fields.count + 1, recordLine: recordLine,
                                    recordBytes: recordBytes)
                recordBytes += field.count - before
                if let following = try self.peekByte(), following != UInt8(ascii: ","),
                   following != UInt8(ascii: "\n"), following != UInt8(ascii: "\r") {
                    throw SyntaxError(line: self.line, field: fields.count + 1,
                                      message: "field \(fields.count + 1) has text after its closing quote")
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
                recordBytes += 1
                try self.checkSize(field: field.count, record: recordBytes, line: recordLine, fieldNumber: fields.count + 1)
            }
        }
        guard sawAnything || !field.isEmpty else { return nil }
        try finishField()
        return Record(line: recordLine, fields: fields)
    }

    /// Refuses a field or record past its limit, before it grows further.
    private func checkSize(field: Int, record: Int, line: Int, fieldNumber: Int) throws {
        if field > self.limits.maximumFieldBytes {
            throw SyntaxError(line: line, field: fieldNumber,
                              message: "field \(fieldNumber) is longer than \(self.limits.maximumFieldBytes) bytes")
        }
        if record > self.limits.maximumRecordBytes {
            throw SyntaxError(line: line, field: fieldNumber,
                              message: "the record is longer than \(self.limits.maximumRecordBytes) bytes")
        }
    }

    private func readQuoted(into field: inout [UInt8], fieldNumber: Int, recordLine: Int, recordBytes: Int) throws {
        let openedOn = self.line
        let start = field.count
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
            try self.checkSize(field: field.count, record: recordBytes + field.count - start, line: recordLine, fieldNumber: fieldNumber)
        }
        throw SyntaxError(line: openedOn, field: fieldNumber, message: "field \(fieldNumber) opens a quote that is never closed")
    }
}

/// How large a CSV's pieces may be. The defaults fit every import format with room to
/// spare; `salesctl import --max-field-bytes/--max-record-bytes` raises them.
public struct CSVLimits: Sendable, Equatable {
    /// Bytes of one field (after unquoting).
    public var maximumFieldBytes = 64 * 1024
    /// Bytes of one record's fields together.
    public var maximumRecordBytes = 1024 * 1024
    /// Fields of one record (the header included).
    public var maximumFields = 256

    public init() {}
}
