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
    /// attribute and the refresh lock's name. Computed only when those are needed, so a
    /// kernel-keyring hit loads no GLib. Without libsecret there is no keyring item, and the
    /// lock name falls back to a plain 64-bit hash.
    var digest: String {
        guard stsproc_secret_available() != 0, let hex = stsproc_sha256_hex(material) else {
            return "fnv-" + KernelKeyringCache.description(profile: "", material: material).split(separator: ":").last!
        }
        defer { stsproc_free(hex) }
        return String(cString: hex)
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
        return fields.map { "\($0.0)=\($0.1.utf8.count):\($0.1)" }.joined(separator: "\n")
    }
}
