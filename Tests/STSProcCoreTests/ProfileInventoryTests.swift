import Testing
@testable import STSProcCore

@Suite struct ProfileInventoryTests {
    private let config = """
        [profile ops]
        role_arn = arn:aws:iam::111122223333:role/Operator
        source_profile = base
        [profile ops-cached]
        credential_process = sts-proc --profile ops
        [profile k]
        credential_process = /usr/bin/sts-proc --profile k
        sts_proc_role_arn = arn:aws:iam::111122223333:role/K
        sts_proc_source_profile = stored
        [profile vault]
        credential_process = aws-vault exec x --json
        [profile bad]
        sts_proc_role_arn = nope
        """

    private func rows(keyring: [KeyringItemSummary]?) throws -> [String: ProfileSummary] {
        let shared = try SharedConfig(configText: config, configPath: "/cfg",
                                      credentialsText: "[base]\naws_access_key_id = AKIABASE1234\naws_secret_access_key = s\n",
                                      credentialsPath: "/creds")
        let list = ProfileInventory(config: shared, environment: [:], now: UTCTime(secondsSinceEpoch: 1000), keyring: keyring).summaries()
        return Dictionary(uniqueKeysWithValues: list.map { ($0.profile, $0) })
    }

    @Test func flowsSourcesAndKeys() throws {
        let items = [KeyringItemSummary(profile: "ops", isAccessKey: false, expiration: UTCTime(secondsSinceEpoch: 4000)),
                     KeyringItemSummary(profile: "ops", isAccessKey: false, expiration: UTCTime(secondsSinceEpoch: 2000)),
                     KeyringItemSummary(profile: "stored", isAccessKey: true, expiration: nil)]
        let rows = try rows(keyring: items)
        #expect(rows.keys.sorted() == ["bad", "base", "k", "ops", "ops-cached", "vault"])
        #expect(rows["base"]!.flow == "static keys" && rows["base"]!.keys == "credentials file")
        #expect(rows["ops"]!.flow == "AssumeRole" && rows["ops"]!.role == "arn:aws:iam::111122223333:role/Operator")
        #expect(rows["ops"]!.cacheSecondsLeft == 3000 && rows["ops"]!.stsProcProfile == nil)
        // The line is followed: ops-cached serves ops, and ops's cached credential is its own.
        #expect(rows["ops-cached"]!.stsProcProfile == "ops" && rows["ops-cached"]!.cacheSecondsLeft == 3000)
        #expect(rows["k"]!.keys == "keyring" && rows["k"]!.source == "profile stored")
        #expect(rows["vault"]!.flow == "credential process" && rows["vault"]!.source == "aws-vault")
        #expect(rows["bad"]!.flow == "invalid" && rows["bad"]!.error?.contains("invalid role_arn") == true)
    }

    @Test func withoutAKeyringKeysAndTimesAreUnknown() throws {
        let rows = try rows(keyring: nil)
        #expect(rows["k"]!.keys == "unknown")
        #expect(rows["ops"]!.cacheSecondsLeft == nil && rows["ops"]!.cacheState == "-")
    }
}
