import FoundationEssentials

/// One file of `~/.aws/sso/cache/`: the access token of a session, as the AWS CLI v2 and
/// botocore write it.
public struct SSOToken: Sendable, Equatable {
    public var startURL: String?
    public var region: String?
    public var accessToken: String
    public var expiresAt: UTCTime
    public var clientID: String?
    public var clientSecret: String?
    public var registrationExpiresAt: UTCTime?
    public var refreshToken: String?

    /// botocore's preconditions for a refresh: a refresh token and a client registration
    /// that has not expired.
    func isRefreshable(at now: UTCTime) -> Bool {
        refreshToken != nil && clientID != nil && clientSecret != nil
            && (registrationExpiresAt.map { now < $0 } ?? false)
    }
}

/// Reads and writes the token file. Reading is tolerant (fractional seconds, offsets,
/// missing optional fields); anything without `accessToken` and `expiresAt` (a half-written
/// file among them) is no token. Writing uses the CLI's key order and `…Z` times.
enum SSOTokenFile {
    private struct Document: Decodable {
        var startUrl: String?
        var region: String?
        var accessToken: String?
        var expiresAt: String?
        var clientId: String?
        var clientSecret: String?
        var registrationExpiresAt: String?
        var refreshToken: String?
    }

    static func decode(_ bytes: [UInt8]) -> SSOToken? {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)),
              let accessToken = document.accessToken, !accessToken.isEmpty,
              let expiresAt = document.expiresAt.flatMap({ UTCTime(iso8601: $0) }) else { return nil }
        return SSOToken(startURL: document.startUrl, region: document.region, accessToken: accessToken,
                        expiresAt: expiresAt, clientID: document.clientId, clientSecret: document.clientSecret,
                        registrationExpiresAt: document.registrationExpiresAt.flatMap { UTCTime(iso8601: $0) },
                        refreshToken: document.refreshToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    static func encode(_ token: SSOToken) -> String {
        let fields: [(String, String?)] = [
            ("startUrl", token.startURL), ("region", token.region), ("accessToken", token.accessToken),
            ("expiresAt", token.expiresAt.iso8601), ("clientId", token.clientID), ("clientSecret", token.clientSecret),
            ("registrationExpiresAt", token.registrationExpiresAt?.iso8601), ("refreshToken", token.refreshToken),
        ]
        return "{" + fields.compactMap { name, value in
            value.map { "\(CredentialDocument.quoted(name)): \(CredentialDocument.quoted($0))" }
        }.joined(separator: ", ") + "}"
    }
}

/// A cached client registration (`aws sso login` reuses one for about 90 days).
struct SSORegistration: Sendable, Equatable {
    var clientID: String
    var clientSecret: String
    var expiresAt: UTCTime
    var scopes: [String]?
    var grantTypes: [String]?

    private struct Document: Codable {
        var clientId: String?
        var clientSecret: String?
        var expiresAt: String?
        var scopes: [String]?
        var grantTypes: [String]?
    }

    static func decode(_ bytes: [UInt8]) -> SSORegistration? {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)),
              let clientID = document.clientId, let secret = document.clientSecret,
              let expiresAt = document.expiresAt.flatMap({ UTCTime(iso8601: $0) }) else { return nil }
        return SSORegistration(clientID: clientID, clientSecret: secret, expiresAt: expiresAt,
                               scopes: document.scopes, grantTypes: document.grantTypes)
    }

    func encoded() -> String {
        var fields = [("clientId", CredentialDocument.quoted(clientID)), ("clientSecret", CredentialDocument.quoted(clientSecret)),
                      ("expiresAt", CredentialDocument.quoted(expiresAt.iso8601))]
        if let scopes { fields.append(("scopes", "[" + scopes.map(CredentialDocument.quoted).joined(separator: ", ") + "]")) }
        if let grantTypes {
            fields.append(("grantTypes", "[" + grantTypes.map(CredentialDocument.quoted).joined(separator: ", ") + "]"))
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
