import FuzzSupport
@testable import STSProcCore

/// The shared files from text to credential plans: INIParser, SharedConfig (the two files
/// merged as botocore merges them) and PlanBuilder for every profile they define.
///
/// The input is the config file; a NUL splits off the credentials file after it (the parser
/// refuses NUL, so nothing is lost). Properties: no trap anywhere on the way; the line
/// terminators `\n`, `\r\n` and `\r` are interchangeable (Python's universal newlines);
/// every section the config file's parser returns is in the merged view where botocore
/// puts it; a plan is for the profile asked, deterministic, no longer than the chain limit,
/// and its keys pass the credential check; every error is one line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let input = fuzzText(data, size) else { return 0 }
    let scalars = input.unicodeScalars
    let configText: String, credentialsText: String?
    if let split = scalars.firstIndex(of: "\u{0}") {
        configText = String(scalars[..<split])
        credentialsText = String(scalars[scalars.index(after: split)...])
    } else {
        (configText, credentialsText) = (input, nil)
    }

    let sections: [INISection]?
    do {
        sections = try INIParser.parse(configText, path: "/fuzz/config")
    } catch {
        requireOneLine(error, "parsing \(String(reflecting: configText))")
        sections = nil
    }
    let unified = unifiedLineEnds(configText)
    let sectionsUnified = try? INIParser.parse(unified, path: "/fuzz/config")
    require(sections == sectionsUnified,
            "\(String(reflecting: configText)) reads differently with its line ends written as \\n")

    let config: SharedConfig
    do {
        config = try SharedConfig(configText: configText, configPath: "/fuzz/config",
                                  credentialsText: credentialsText, credentialsPath: "/fuzz/credentials")
    } catch {
        requireOneLine(error, "reading the files")
        return 0
    }
    // botocore's build_profile_map: the last section of a name wins.
    var sessions: [String: [String: INIValue]] = [:], services: [String: [String: INIValue]] = [:]
    for section in sections ?? [] {
        switch SectionName(section.name) {
        case .profile(let name):
            require(config.profiles[name] != nil, "section [\(section.name)] is not profile \(name)")
        case .ssoSession(let name): sessions[name] = section.values
        case .services(let name): services[name] = section.values
        case .other: break
        }
    }
    require(config.ssoSessions == sessions && config.services == services,
            "the [sso-session] or [services] sections are not what the parser read")

    let builder = PlanBuilder(config: config, environment: environment, now: UTCTime(secondsSinceEpoch: 1_800_000_000))
    for name in config.profiles.keys.sorted().prefix(16) + ["fuzz-absent"] {
        let plan: CredentialPlan
        do {
            plan = try builder.makePlan(profileName: name)
        } catch {
            requireOneLine(error, "planning profile \(String(reflecting: name))")
            continue
        }
        require(plan.profile == name, "the plan for \(String(reflecting: name)) is for \(String(reflecting: plan.profile))")
        require(plan.roles.count <= PlanBuilder.maximumChainLength, "profile \(name) chains \(plan.roles.count) roles")
        if let keys = plan.source.givenCredentials {
            require(CredentialCheck.problem(keys) == nil, "profile \(name) plans with unusable keys")
        }
        require((try? builder.makePlan(profileName: name)) == plan, "planning profile \(name) twice differs")
        require(!CacheKey(plan: plan).material.isEmpty, "profile \(name) has no cache key")
    }
    return 0
}

/// The environment of the plans: keys for `credential_source = Environment`, nothing else.
private let environment = ["AWS_ACCESS_KEY_ID": "AKIAFUZZFUZZFUZZFUZZ", "AWS_SECRET_ACCESS_KEY": "fuzz/secret+key",
                           "HOME": "/fuzz-home"]

/// Every `\r\n` and lone `\r` written as `\n`.
private func unifiedLineEnds(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.unicodeScalars {
        if scalar == "\r" {
            out.append("\n")
        } else if !(scalar == "\n" && previousWasCR) {
            out.append(scalar)
        }
        previousWasCR = scalar == "\r"
    }
    return String(out)
}

@main enum FuzzINI {
    static func main() { runLibFuzzer(fuzzINI) }
}
