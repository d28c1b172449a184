// TEMPORARY: replaced by the real config layer; delete when it lands.
public enum INIValue: Sendable, Equatable { case text(String); case nested([String: String]) }
public struct Profile: Sendable, Equatable {
    public let name: String
    public let values: [String: INIValue]
    public func setting(_ key: String) -> String? {
        for k in ["sts_proc_" + key, key] { if case .text(let v)? = values[k], !v.isEmpty { return v } }
        return nil
    }
    public func ownSetting(_ key: String) -> String? { nil }
    public func hasPlainSetting(_ key: String) -> Bool { false }
}
public struct SharedConfig: Sendable {
    public var configPath = "", credentialsPath = ""
    public var configFileExists = false, credentialsFileExists = false
    public var profiles: [String: [String: INIValue]] = [:]
    public static func load(environment: [String: String]) throws(STSProcError) -> SharedConfig { SharedConfig() }
    public func profile(named name: String) -> Profile? { profiles[name].map { Profile(name: name, values: $0) } }
    public func serviceSettings(section: String, service: String) -> [String: String]? { nil }
}
