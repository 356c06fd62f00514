import Foundation
import SalesOps
import Testing

@Suite("Text values are trimmed as Foundation trims white space and new lines")
struct TextTrimmingTests {
    @Test("every scalar of the Basic Multilingual Plane around a value trims as Foundation's whitespacesAndNewlines does")
    func sameAsFoundation() {
        var differences: [String] = []
        for value in UInt32(0)..<0x1_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let padding = String(scalar)
            for text in [padding + "a b" + padding, padding, padding + padding, "a" + padding] {
                let foundation = text.trimmingCharacters(in: .whitespacesAndNewlines)
                let expected: String? = foundation.isEmpty ? nil : foundation
                if TextLimits.trimmed(text) != expected { differences.append(String(value, radix: 16)) }
            }
        }
        #expect(differences.isEmpty, "U+\(differences.prefix(20))")
    }

    @Test("values without padding come back unchanged; blank ones are missing")
    func edges() {
        #expect(TextLimits.trimmed("Deal 7, Ümlaut") == "Deal 7, Ümlaut")
        #expect(TextLimits.trimmed(" \t\u{3000}Köln\u{00A0}\r\n") == "Köln")
        #expect(TextLimits.trimmed("") == nil && TextLimits.trimmed(" \u{2028} ") == nil)
        #expect(TextLimits.trimmed("e\u{301} ") == "e\u{301}")
    }
}
