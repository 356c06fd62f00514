/// Splits a script of SQL statements at its top-level semicolons, as PostgreSQL's own lexer
/// would: a semicolon inside a string ('…', E'…' with backslash escapes), a quoted identifier
/// ("…"), a dollar-quoted body ($tag$…$tag$), a line comment (-- …) or a block comment
/// (/* … */, nested) does not end a statement.
///
/// For servers that must see one statement per message (a Citus coordinator propagates DDL
/// from the text of the statement it received).
public enum SQLScript {
    /// The statements of `script`, each with its leading comments and without its semicolon;
    /// pieces holding only whitespace and comments are left out.
    public static func statements(in script: String) -> [String] {
        let bytes = Array(script.utf8)
        var statements: [String] = []
        var start = 0, index = 0, hasCode = false
        func finish(at end: Int) {
            if hasCode, let text = String(bytes: bytes[start..<end], encoding: .utf8) {
                statements.append(text.trimmingWhitespace())
            }
            start = end + 1
            hasCode = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                var depth = 0
                repeat {
                    if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1; index += 2
                    } else if bytes[index] == UInt8(ascii: "*") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1; index += 2
                    } else {
                        index += 1
                    }
                } while depth > 0 && index < bytes.count
                continue
            case UInt8(ascii: "'"):
                let escapes = index > 0 && (bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e"))
                    && (index < 2 || !Self.isIdentifierByte(bytes[index - 2]))
                index = Self.endOfQuoted(bytes, from: index, quote: UInt8(ascii: "'"), backslashEscapes: escapes)
                hasCode = true
                continue
            case UInt8(ascii: "\""):
                index = Self.endOfQuoted(bytes, from: index, quote: UInt8(ascii: "\""), backslashEscapes: false)
                hasCode = true
                continue
            case UInt8(ascii: "$") where index == 0 || !Self.isIdentifierByte(bytes[index - 1]):
                if let tagEnd = Self.dollarTagEnd(bytes, from: index) {
                    let tag = bytes[index...tagEnd]
                    var search = tagEnd + 1
                    while search < bytes.count && !(bytes[search] == UInt8(ascii: "$") && bytes[search...].starts(with: tag)) {
                        search += 1
                    }
                    index = min(bytes.count, search + tag.count)
                    hasCode = true
                    continue
                }
            case UInt8(ascii: ";"):
                finish(at: index)
                index += 1
                continue
            default:
                break
            }
            if !Self.isWhitespace(byte) { hasCode = true }
            index += 1
        }
        finish(at: bytes.count)
        return statements
    }

    /// The index just past the quote closing the one at `start` (a doubled quote is part of the text).
    private static func endOfQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < bytes.count {
            if backslashEscapes && bytes[index] == UInt8(ascii: "\\") {
                index += 2
            } else if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote { index += 2 } else { return index + 1 }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// The index of the `$` closing a dollar-quote tag opened at `start` ($$ or $name$), or nil.
    private static func dollarTagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "$") { return index }
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || byte >= 0x80
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || (digit && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte >= 0x80 || byte == UInt8(ascii: "$")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
