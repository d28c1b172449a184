import Testing
@testable import STSProcCore

/// The subset cache's promise: the sections a plan read give the same plan again, and a
/// run that reads anything else is noticed (the cache then reads the whole file).
@Suite struct ConfigSubsetTests {
    static let credentialsText = "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n"
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example",
                              "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
                              "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/PodRole",
                              "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task"]

    /// Plans `profile` from the whole files, then from the subsets of what it read.
    static func planTwice(config configText: String, credentials credentialsText: String, profile: String)
        throws -> (whole: CredentialPlan, fromSubsets: CredentialPlan, reads: ConfigReadSet, config: ConfigSubset, credentials: ConfigSubset) {
        let configSections = try INIParser.parse(configText, path: "config")
        let credentialsSections = try INIParser.parse(credentialsText, path: "credentials")
        var whole = SharedConfig(configSections: configSections, configPath: "config",
                                 credentialsSections: credentialsSections, credentialsPath: "credentials")
        let reads = ConfigReads()
        whole.reads = reads
        let now = UTCTime(secondsSinceEpoch: 0)
        let wholePlan = try PlanBuilder(config: whole, environment: environment, now: now).makePlan(profileName: profile)
        let configSubset = ConfigSubset(of: configSections, kind: .config, reads: reads.recorded)
        let credentialsSubset = ConfigSubset(of: credentialsSections, kind: .credentials, reads: reads.recorded)
        var part = SharedConfig(configSections: configSubset.sections, configPath: "config",
                                credentialsSections: credentialsSubset.sections, credentialsPath: "credentials")
        let partReads = ConfigReads()
        part.reads = partReads
        let partPlan = try PlanBuilder(config: part, environment: environment, now: now).makePlan(profileName: profile)
        #expect(partReads.recorded.isSubset(of: reads.recorded))
        return (wholePlan, partPlan, reads.recorded, configSubset, credentialsSubset)
    }

    @Test(arguments: ConfigExamplesTests.exampleFiles)
    func everyExampleProfilePlansTheSameFromItsSubset(_ name: String) throws {
        let text = String(decoding: try Fixtures.bytes("../../../config-examples/" + name), as: UTF8.self)
        let config = try SharedConfig(configText: text, configPath: "config", credentialsText: Self.credentialsText,
                                      credentialsPath: "credentials")
        var compared = 0
        for profile in config.profiles.keys.sorted() {
            // Profiles that need more than this stand-in environment are left out; any other
            // failure below (from the subset only) fails the test.
            guard (try? PlanBuilder(config: config, environment: Self.environment, now: UTCTime(secondsSinceEpoch: 0))
                .makePlan(profileName: profile)) != nil else { continue }
            let result = try Self.planTwice(config: text, credentials: Self.credentialsText, profile: profile)
            #expect(result.whole == result.fromSubsets, "\(name): \(profile)")
            compared += 1
        }
        #expect(compared > 0, "\(name): no profile compared")
    }

    static let chainConfig = """
        [default]
        region = eu-west-1
        [profile unrelated]
        role_arn = arn:aws:iam::111122223333:role/Other
        source_profile = base
        [profile dev]
        role_arn = arn:aws:iam::111122223333:role/Dev
        source_profile = middle
        services = local
        [profile middle]
        role_arn = arn:aws:iam::111122223333:role/Middle
        source_profile = base
        [services local]
        sts =
          endpoint_url = http://127.0.0.1:5000
        [services elsewhere]
        sts =
          endpoint_url = http://127.0.0.1:6000
        [plugins]
        x = y
        [sso-session corp]
        sso_start_url = https://example.awsapps.com/start
        sso_region = us-east-1
        """

    @Test func keepsOnlyTheChainItRead() throws {
        let result = try Self.planTwice(config: Self.chainConfig, credentials: Self.credentialsText, profile: "dev")
        #expect(result.whole == result.fromSubsets)
        #expect(result.config.sections.map(\.name) == ["profile dev", "profile middle", "services local"])
        #expect(result.credentials.sections.map(\.name) == ["base"])
        #expect(result.reads.profiles.isSuperset(of: ["dev", "middle", "base"]))
        #expect(!result.reads.profiles.contains("unrelated"))
        // The base key's section holds a secret: that subset is never kept.
        #expect(result.credentials.holdsSecrets)
        #expect(!result.config.holdsSecrets)
    }

    @Test func bothSpellingsOfTheDefaultProfileAreKeptInFileOrder() throws {
        let text = "[profile default]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/A\nsource_profile = base\n"
            + "[profile other]\nregion = x\n"
            + "[default]\nregion = eu-west-2\nrole_arn = arn:aws:iam::111122223333:role/B\nsource_profile = base\n"
        let result = try Self.planTwice(config: text, credentials: Self.credentialsText, profile: "default")
        #expect(result.whole == result.fromSubsets)
        #expect(result.config.sections.map(\.name) == ["profile default", "default"])
    }

    @Test func aProfileMissingEverywhereIsRecordedAsRead() throws {
        // A name no file defines is a lookup too: if a later version defined it, the
        // identity would have changed; if another run asks for it, the subset knows it.
        let result = try Self.planTwice(config: Self.chainConfig, credentials: "", profile: "ghost")
        #expect(result.whole == result.fromSubsets)
        #expect(result.reads.profiles.contains("ghost"))
        #expect(result.config.sections.isEmpty)
    }

    @Test func aReadTheSubsetDidNotRecordIsNoticed() throws {
        let result = try Self.planTwice(config: Self.chainConfig, credentials: Self.credentialsText, profile: "dev")
        var other = ConfigReadSet()
        other.profiles = ["unrelated", "base"]
        #expect(!other.isSubset(of: result.reads))
        other.profiles = ["dev"]
        other.services = ["elsewhere"]
        #expect(!other.isSubset(of: result.reads))
    }

    @Test func secretsInAnyKeptSectionAreRefused() throws {
        let names = ["aws_secret_access_key", "aws_session_token", "aws_security_token",
                     "sts_proc_aws_secret_access_key", "sts_proc_aws_session_token", "sts_proc_aws_security_token"]
        for key in names {
            let sections = [INISection(name: "profile p", values: ["region": .text("x"), key: .text("secret")])]
            #expect(ConfigSubset(of: sections, kind: .config, reads: ConfigReadSet(profiles: ["p"])).holdsSecrets, "\(key)")
        }
        // A secret in [DEFAULT] is in every section that inherits it.
        let inherited = try INIParser.parse("[DEFAULT]\naws_session_token = t\n[profile p]\nregion = x\n", path: "config")
        #expect(ConfigSubset(of: inherited, kind: .config, reads: ConfigReadSet(profiles: ["p"])).holdsSecrets)
        let plain = [INISection(name: "profile p", values: ["aws_access_key_id": .text("AKIAEXAMPLE")])]
        #expect(!ConfigSubset(of: plain, kind: .config, reads: ConfigReadSet(profiles: ["p"])).holdsSecrets)
    }

    @Test func aRecentFileIsNotRemembered() {
        let identity = FileIdentity(device: 1, inode: 2, size: 3, modified: 900, modifiedNanoseconds: 0,
                                    changed: 1000, changedNanoseconds: 500_000_000)
        #expect(identity.isRecent(now: 1000.6))
        #expect(identity.isRecent(now: 1003.4))
        #expect(!identity.isRecent(now: 1003.6))
        // A modification time in the future (a clock set wrong) is recent until it passes.
        let future = FileIdentity(device: 1, inode: 2, size: 3, modified: 5000, modifiedNanoseconds: 0,
                                  changed: 1000, changedNanoseconds: 0)
        #expect(future.isRecent(now: 1010))
    }
}
