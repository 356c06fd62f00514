import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// JSON bodies of the API: snake_case keys (SPEC column names), RFC 3339 instants,
/// `YYYY-MM-DD` dates.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TimestampFormat.rfc3339(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// A JSON response of `value`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try self.encoder.encode(value)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a small JSON request body (at most the context's upload limit) or answers 400/413.
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: APIContext) async throws -> Value {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            throw Problem(.contentTooLarge, "the request body is larger than \(context.maxUploadSize) bytes")
        }
        if let key = JSONDuplicateKeys.first(in: Array(buffer.readableBytesView)) {
            throw Problem(.badRequest, "the body names the field '\(key)' twice")
        }
        do {
            return try self.decoder.decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem(.badRequest, "the body lacks the field '\(key.stringValue.snakeCased)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue.snakeCased).joined(separator: ".")
            throw Problem(.badRequest, "field '\(path)' has the wrong type")
        } catch {
            throw Problem(.badRequest, "the body is not the JSON object this route takes")
        }
    }
}

extension String {
    /// `camelCase` as `snake_case`, for naming decoded fields in messages.
    var snakeCased: String {
        self.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }
}

/// Query parameters, validated with messages that name the parameter.
struct QueryParameters {
    let request: Request

    func optional(_ name: String, maximumLength: Int = 200) throws -> String? {
        guard let value = self.request.uri.queryParameters.get(name) else { return nil }
        try Self.check(value, name: name, maximumLength: maximumLength)
        return value
    }

    /// Refuses empty or long values and control characters (PostgreSQL text cannot hold NUL).
    static func check(_ value: some StringProtocol, name: String, maximumLength: Int = 200) throws {
        guard !value.isEmpty, value.utf8.count <= maximumLength else {
            throw Problem(.badRequest, "query parameter '\(name)' must be 1–\(maximumLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem(.badRequest, "query parameter '\(name)' must not contain control characters")
        }
    }

    func required(_ name: String) throws -> String {
        guard let value = try self.optional(name) else { throw Problem(.badRequest, "query parameter '\(name)' is required") }
        return value
    }

    func all(_ name: String) throws -> [String] {
        let values: [String] = self.request.uri.queryParameters.getAll(name).map { String($0) }
        guard values.count <= 100 else { throw Problem(.badRequest, "query parameter '\(name)' takes at most 100 values") }
        try values.forEach { try Self.check($0, name: name) }
        return values
    }

    func period(_ name: String = "period", allowingDays: Bool = true) throws -> String {
        guard let label = try self.optionalPeriod(name, allowingDays: allowingDays) else {
            throw Problem(.badRequest, "query parameter '\(name)' is required")
        }
        return label
    }

    /// A period label when the parameter is there.
    func optionalPeriod(_ name: String = "period", allowingDays: Bool = true) throws -> String? {
        guard let label = try self.optional(name) else { return nil }
        guard PeriodLabel.isWellFormed(label, allowingDays: allowingDays) else {
            throw Problem(.badRequest, "query parameter '\(name)' must be a period such as 2026, 2026-Q3, 2026-11, 2026-W47"
                          + (allowingDays ? " or 2026-11-05" : ""))
        }
        return label
    }

    func scope(_ name: String = "scope") throws -> TargetScope {
        guard let label = try self.optional(name) else { return .org }
        guard let scope = TargetScope(label: label) else {
            throw Problem(.badRequest, "query parameter '\(name)' must be org, team:EXTERNAL_ID or rep:EXTERNAL_ID")
        }
        return scope
    }

    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = try self.optional(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem(.badRequest, "query parameter '\(name)' must be an integer \(range.lowerBound)–\(range.upperBound)")
        }
        return number
    }
}
