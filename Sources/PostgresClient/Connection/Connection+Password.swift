import CLibPQ

extension Connection {
    /// The password verifier the server stores for `user` (SCRAM-SHA-256 unless the server's
    /// `password_encryption` says otherwise), computed here by libpq, so the clear text
    /// never reaches the server or its logs.
    /// - Throws: `PostgresError` with libpq's reason when it cannot compute one.
    public func passwordVerifier(for password: String, user: String) throws -> String {
        guard let verifier = PQencryptPasswordConn(self.handle, password, user, nil) else {
            throw PostgresError(kind: .unexpectedResult,
                                message: PQerrorMessage(self.handle).map { String(cString: $0) } ?? "cannot encrypt the password")
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }
}
