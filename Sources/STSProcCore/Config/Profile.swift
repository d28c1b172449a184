/// One merged profile (config-file section plus credentials-file section), with the
/// prefix rule (README, "The `sts_proc_` prefix").
public struct Profile: Sendable, Equatable {
    public let name: String
    public let values: [String: INIValue]

    public init(name: String, values: [String: INIValue]) {
        self.name = name
        self.values = values
    }

    /// The prefix rule: `sts_proc_<key>` first, then `<key>`; text values only; empty string = unset.
    ///
    /// An empty `sts_proc_<key> =` falls through to `<key>`: botocore treats `''` as unset,
    /// so an empty line must not mean something to sts-proc that it does not mean to the SDK.
    public func setting(_ key: SettingKey) -> String? {
        ownSetting(key) ?? text(key.rawValue)
    }

    /// The prefix rule with botocore's notion of "set": a key that is present counts, even
    /// with an empty value (`role_arn =` makes a role profile in botocore, one that then
    /// fails). Used for the keys botocore itself reads to pick and shape a flow. A value
    /// that is only indented sub-settings is an error, as it is for botocore.
    public func presentSetting(_ key: SettingKey) throws(STSProcError) -> String? {
        for name in [key.prefixed, key.rawValue] {
            switch values[name] {
            case .text(let value): return value
            case .nested:
                throw STSProcError(.configuration, profile: nil, failure: "invalid \(name) in profile \(self.name)",
                                   reason: "it has indented sub-settings instead of a value",
                                   remedy: "Put the value on the line of \(name)")
            case nil: continue
            }
        }
        return nil
    }

    /// Settings that exist only for sts-proc (`cache`, `min_ttl`, ...): only `sts_proc_<key>`.
    public func ownSetting(_ key: SettingKey) -> String? {
        text(key.prefixed)
    }

    /// True when `key` (unprefixed, exactly) has a non-empty value — used to warn that the SDK will not call credential_process.
    public func hasPlainSetting(_ key: SettingKey) -> Bool {
        switch values[key.rawValue] {
        case .text(let value): return !value.isEmpty
        case .nested(let block): return !block.isEmpty
        case nil: return false
        }
    }

    /// A key as botocore reads it: the plain name only, never the prefix. Takes any name
    /// (`retry_mode`, `credential_process`), because it never reads a `sts_proc_*` key:
    /// `SettingKey` stays the one list of those.
    public func botocoreSetting(_ name: String) -> String? {
        text(name)
    }

    static let prefix = "sts_proc_"

    private func text(_ key: String) -> String? {
        guard case .text(let value) = values[key], !value.isEmpty else { return nil }
        return value
    }
}
