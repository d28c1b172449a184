import FoundationEssentials

/// What sts-proc needs from a base64 SAMLResponse: the role/provider pairs the IdP offers
/// (`https://aws.amazon.com/SAML/Attributes/Role`) and when it stops being valid. Elements are matched by namespace URI and local name, since IdPs
/// choose their own prefixes.
public struct SAMLAssertion: Sendable, Equatable {
    public struct RolePair: Sendable, Hashable {
        public var roleARN: String
        public var principalARN: String
    }

    public var roles: [RolePair]
    /// The earliest `NotOnOrAfter` of the assertion's conditions and subject confirmations.
    public var notOnOrAfter: UTCTime?
    /// The base64 text to send to STS: what was given, less whitespace and URL encoding.
    public var encoded: String
    /// An `EncryptedAssertion`: AWS decrypts it with the SAML provider's private key, so
    /// STS accepts it, but its roles cannot be read here; role_arn and principal_arn say them.
    public var isEncrypted: Bool

    static let assertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let roleAttribute = "https://aws.amazon.com/SAML/Attributes/Role"

    public enum Problem: Error, Equatable {
        case notBase64
        case notXML
        case noRoles
        /// Role attributes in no namespace (or another one): not a SAML 2.0 assertion STS reads.
        case rolesOutsideTheNamespace
        /// A `NotOnOrAfter` that is not a time (its value).
        case unreadableExpiry(String)
    }

    public init(text: String) throws(Problem) {
        let encoded = Self.normalize(text)
        guard !encoded.isEmpty, let data = Data(base64Encoded: encoded) else { throw .notBase64 }
        let root: XMLElement
        do {
            root = try XMLTree.parse(Array(data))
        } catch {
            throw .notXML
        }
        self.encoded = encoded
        roles = []
        // A pair sent twice (an IdP may send one per group that grants it) is one choice.
        var seen: Set<RolePair> = []
        for attribute in Self.assertionElements(named: "Attribute", in: root) {
            guard attribute.attributes["Name"] == Self.roleAttribute else { continue }
            let pairs = attribute.children.filter {
                $0.localName == "AttributeValue" && $0.namespaceURI == Self.assertionNamespace
            }.map { $0.text.trimmingWhitespace() }.compactMap(Self.rolePair)
            roles += pairs.filter { seen.insert($0).inserted }
        }
        isEncrypted = roles.isEmpty && !Self.assertionElements(named: "EncryptedAssertion", in: root).isEmpty
        if roles.isEmpty && !isEncrypted {
            let looseRoles = root.all(named: "Attribute").contains {
                $0.attributes["Name"] == Self.roleAttribute && $0.namespaceURI != Self.assertionNamespace
            }
            throw looseRoles ? .rolesOutsideTheNamespace : .noRoles
        }
        var limits: [UTCTime] = []
        for element in Self.assertionElements(named: "Conditions", in: root)
            + Self.assertionElements(named: "SubjectConfirmationData", in: root) {
            guard let text = element.attributes["NotOnOrAfter"] else { continue }
            guard let time = UTCTime(iso8601: text.trimmingWhitespace()) else {
                throw .unreadableExpiry(String(text.prefix(64)))
            }
            limits.append(time)
        }
        notOnOrAfter = limits.min()
    }

    /// Accepts what users paste: surrounding whitespace, line breaks, `SAMLResponse=…`
    /// form data, percent-encoding, the URL-safe alphabet and missing padding.
    static func normalize(_ text: String) -> String {
        var value = text.trimmingWhitespace()
        if value.hasPrefix("SAMLResponse=") {
            value = String(value.dropFirst("SAMLResponse=".count).prefix { $0 != "&" })
        }
        if value.contains("%") { value = percentDecoded(value) }
        var characters = value.filter { !($0 == " " || $0 == "\t" || $0.isNewline) }
        characters = String(characters.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        let remainder = characters.utf8.count % 4
        if remainder != 0 && !characters.hasSuffix("=") {
            characters += String(repeating: "=", count: 4 - remainder)
        }
        return characters
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                bytes.append(byte)
                continue
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `arn:…:role/X,arn:…:saml-provider/Y`, in either order (IdPs differ).
    private static func rolePair(_ value: String) -> RolePair? {
        let parts = value.split(separator: ",").map { $0.trimmingWhitespace() }
        guard parts.count == 2 else { return nil }
        let role = parts.first { $0.contains(":role/") }
        let provider = parts.first { $0.contains(":saml-provider/") }
        guard let role, let provider else { return nil }
        return RolePair(roleARN: role, principalARN: provider)
    }

    private static func assertionElements(named localName: String, in root: XMLElement) -> [XMLElement] {
        root.all(named: localName).filter { $0.namespaceURI == assertionNamespace }
    }
}

extension SAMLAssertion {
    /// The pair to use for `roleARN` / `principalARN` as configured (either may be unset).
    /// Errors say which roles the assertion offers.
    func choose(roleARN: String?, principalARN: String?) throws(STSProcError) -> RolePair {
        if isEncrypted {
            guard let roleARN, let principalARN else {
                throw STSProcError(.configuration, failure: "the SAML assertion is encrypted",
                                   reason: "its roles can only be read by AWS (with the SAML provider's private key)",
                                   remedy: "Set both role_arn and principal_arn (the provider's ARN) in the profile")
            }
            return RolePair(roleARN: roleARN, principalARN: principalARN)
        }
        let offered = roles.map { "\($0.roleARN) (via \($0.principalARN))" }.joined(separator: ", ")
        let forRole = roleARN.map { role in roles.filter { $0.roleARN == role } } ?? roles
        if forRole.isEmpty {
            throw STSProcError(.configuration, failure: "role not offered by the SAML assertion",
                               reason: "the IdP offers \(offered), not \(roleARN ?? "")",
                               remedy: "Set role_arn to one of the offered roles (sts-proc saml roles lists them)")
        }
        let candidates = principalARN.map { principal in forRole.filter { $0.principalARN == principal } } ?? forRole
        switch candidates.count {
        case 1:
            return candidates[0]
        case 0:
            throw STSProcError(.configuration, failure: "principal_arn does not match the SAML assertion",
                               reason: "the assertion pairs \(roleARN ?? "the role") with \(forRole.map(\.principalARN).joined(separator: ", ")), not \(principalARN ?? "")",
                               remedy: "Set principal_arn to the provider the assertion names, or remove it")
        default:
            let what = roleARN == nil ? "role_arn" : "principal_arn"
            throw STSProcError(.configuration, failure: "the SAML assertion offers more than one choice",
                               reason: "it offers \(candidates.map { "\($0.roleARN) (via \($0.principalARN))" }.joined(separator: ", "))",
                               remedy: "Set \(what) in the profile to pick one")
        }
    }
}
