internal import CLibSecret

/// Identifies "the same request to STS": a digest of everything that shapes the credential
/// a plan yields (endpoint, source principal, and every role with all its parameters), so
/// that editing any of them misses the cache instead of serving a stale identity.
/// Secrets are not part of it, and it is a one-way digest, so the keyring attribute shows nothing.
struct CacheKey: Hashable, Sendable {
    /// What the digest is of; the kernel-keyring layer compares it on every read.
    let material: String

    init(plan: CredentialPlan) {
        self.init(material: Self.material(of: plan))
    }

    init(material: String) {
        self.material = material
    }

    /// Hex SHA-256 of the material (by GLib, loaded with libsecret): the keyring item's `key`
    /// attribute, which other programs on the bus can read, so it must not be reversible.
    /// Asked for only when the Secret Service is used, so that nothing else loads GLib.
    var digest: String {
        guard stsproc_secret_available() != 0, let hex = stsproc_sha256_hex(material) else {
            return "fnv-" + Self.shortHash(material)  // no libsecret, so no keyring item either
        }
        defer { stsproc_free(hex) }
        return String(cString: hex)
    }

    /// The refresh lock's file name. A 64-bit hash without GLib: callers that wait for
    /// another's kernel copy then never load libsecret, and a collision would only make two
    /// keys take turns.
    var lockName: String { "fnv-" + Self.shortHash(material) }

    /// FNV-1a, 64 bits, as 16 hex digits: names in the kernel keyring and the lock folder,
    /// where a collision costs nothing (the kernel copy carries the material and is compared).
    static func shortHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Length-prefixed `name=value` lines: no value can imitate a separator.
    static func material(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.utf8.count):\($0.1)" }.joined(separator: "\n")
    }

    /// A versioned, unambiguous text form (values are length-prefixed, so no value can
    /// imitate a separator).
    static func material(of plan: CredentialPlan) -> String {
        var fields: [(String, String)] = [
            ("version", "1"),
            ("endpoint", plan.endpoint.url),
            ("signing-region", plan.endpoint.signingRegion),
        ]
        switch plan.source {
        case .staticKeys(let credentials, _): fields.append(("source-static", credentials.accessKeyID))
        case .environment(let credentials): fields.append(("source-environment", credentials.accessKeyID))
        case .instanceMetadata(let endpoint): fields.append(("source-instance-metadata", endpoint.baseURL))
        case .container(let endpoint): fields.append(("source-container", endpoint.url))
        case .webIdentity(let source):
            // Where the token comes from, never the token: it rotates, and it is a secret.
            fields.append(("source-web-identity", source.token.identity))
            fields.append(("role", source.roleARN))
            fields.append(("session-name", source.hasExplicitSessionName ? source.roleSessionName : ""))
            fields.append(("duration", source.durationSeconds.map(String.init) ?? ""))
            fields.append(("policy", source.policy ?? ""))
            fields.append(("policy-arns", source.policyARNs.joined(separator: ",")))
        case .storedKeys(let profile, _):
            // `keys add`, `rotate` and `remove` drop what was derived from the old key.
            fields.append(("source-keyring", profile))
        case .process(let source):
            // The command shapes the identity (it is kept in the kernel copy only as this
            // digest's material, readable by the same user alone).
            fields.append(("source-process", source.command))
        case .sso(let source):
            // The session, never its token: tokens are refreshed hourly.
            fields.append(("source-sso", source.session.name.map { "session:" + $0 } ?? "start-url:" + source.session.startURL))
            fields.append(("sso-start-url", source.session.startURL))
            fields.append(("sso-portal", source.session.portalURL))
            fields.append(("sso-account", source.accountID))
            fields.append(("sso-role", source.roleName))
        case .saml(let source):
            fields.append(("source-saml", source.assertion.identity))
            fields.append(("role", source.roleARN ?? ""))
            fields.append(("principal", source.principalARN ?? ""))
            fields.append(("duration", source.durationSeconds.map(String.init) ?? ""))
            fields.append(("policy", source.policy ?? ""))
            fields.append(("policy-arns", source.policyARNs.joined(separator: ",")))
        }
        if let mfa = plan.mfa {
            fields.append(("mfa-serial", mfa.serialNumber))
        }
        for step in plan.roles {
            let role = step.parameters
            fields.append(("role", role.roleARN))
            fields.append(("session-name", step.hasExplicitSessionName ? role.roleSessionName : ""))
            fields.append(("duration", String(role.durationSeconds)))
            fields.append(("external-id", role.externalID ?? ""))
            fields.append(("policy", role.policy ?? ""))
            fields.append(("policy-arns", role.policyARNs.joined(separator: ",")))
            fields.append(("tags", role.tags.map { "\($0.key.utf8.count):\($0.key)=\($0.value)" }.joined(separator: ",")))
            fields.append(("transitive-tag-keys", role.transitiveTagKeys.joined(separator: ",")))
            fields.append(("source-identity", role.sourceIdentity ?? ""))
        }
        return material(fields)
    }
}
