/// A PostgreSQL type, identified by its OID.
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    /// The type's OID in `pg_type`.
    public let oid: UInt32

    public init(oid: UInt32) {
        self.oid = oid
    }

    /// Lets the server infer the type of a parameter from its use.
    public static let unspecified = PostgresDataType(oid: 0)
    public static let bool = PostgresDataType(oid: 16)
    public static let bytea = PostgresDataType(oid: 17)
    public static let char = PostgresDataType(oid: 18)
    public static let name = PostgresDataType(oid: 19)
    public static let int8 = PostgresDataType(oid: 20)
    public static let int2 = PostgresDataType(oid: 21)
    public static let int4 = PostgresDataType(oid: 23)
    public static let text = PostgresDataType(oid: 25)
    public static let oidType = PostgresDataType(oid: 26)
    public static let json = PostgresDataType(oid: 114)
    public static let float4 = PostgresDataType(oid: 700)
    public static let float8 = PostgresDataType(oid: 701)
    public static let unknown = PostgresDataType(oid: 705)
    public static let bpchar = PostgresDataType(oid: 1042)
    public static let varchar = PostgresDataType(oid: 1043)
    public static let date = PostgresDataType(oid: 1082)
    public static let timestamp = PostgresDataType(oid: 1114)
    public static let timestamptz = PostgresDataType(oid: 1184)
    public static let interval = PostgresDataType(oid: 1186)
    public static let numeric = PostgresDataType(oid: 1700)
    public static let uuid = PostgresDataType(oid: 2950)
    public static let jsonb = PostgresDataType(oid: 3802)
    public static let textArray = PostgresDataType(oid: 1009)
    public static let int8Array = PostgresDataType(oid: 1016)
    public static let dateArray = PostgresDataType(oid: 1182)
    public static let numericArray = PostgresDataType(oid: 1231)

    private static let names: [UInt32: String] = [
        0: "unspecified", 16: "bool", 17: "bytea", 18: "char", 19: "name", 20: "int8",
        21: "int2", 23: "int4", 25: "text", 26: "oid", 114: "json", 700: "float4",
        701: "float8", 705: "unknown", 1042: "bpchar", 1043: "varchar", 1082: "date",
        1114: "timestamp", 1184: "timestamptz", 1186: "interval", 1700: "numeric",
        2950: "uuid", 3802: "jsonb", 1009: "text[]", 1016: "int8[]", 1182: "date[]", 1231: "numeric[]",
    ]

    /// The type's name where this library knows it, else `oid <n>`.
    public var description: String {
        Self.names[self.oid] ?? "oid \(self.oid)"
    }

    /// Whether values of this type arrive as free text (text, varchar, name, ...).
    public var isTextual: Bool {
        [Self.text, .varchar, .bpchar, .name, .char, .unknown].contains(self)
    }

    /// Whether values of this type are integers.
    public var isInteger: Bool {
        [Self.int2, .int4, .int8, .oidType].contains(self)
    }
}
