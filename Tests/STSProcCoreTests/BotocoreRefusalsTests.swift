import Testing
@testable import STSProcCore

/// The rules mirror botocore's (the end-to-end suite compares them with botocore itself).
@Suite struct BotocoreRefusalsTests {
    private func refused(_ values: [String: String], environment: [String: String] = [:]) -> [String] {
        let profile = Profile(name: "p", values: values.mapValues { .text($0) })
        return BotocoreRefusals.check(profile, environment: environment).map(\.exception)
    }

    @Test func regionNames() {
        for good in ["eu-west-1", "us-gov-west-1", "aws-global", "a1"] { #expect(BotocoreRefusals.isValidRegionName(good), "\(good)") }
        for bad in ["eu west 1", "eu_west_1", "12345", "-eu", "eu-", "é", String(repeating: "a", count: 64)] {
            #expect(!BotocoreRefusals.isValidRegionName(bad), "\(bad)")
        }
    }

    @Test func pythonIntegers() {
        #expect(BotocoreRefusals.pythonInt(" 25 ") == 25)
        #expect(BotocoreRefusals.pythonInt("+3") == 3)
        #expect(BotocoreRefusals.pythonInt("-1") == -1)
        #expect(BotocoreRefusals.pythonInt("1_0") == 10)
        for bad in ["abc", "1.5", "", "_1", "1__0", "0x10"] { #expect(BotocoreRefusals.pythonInt(bad) == nil, "\(bad)") }
    }

    @Test func endpointURLs() {
        for good in ["https://sts.example.com", "http://127.0.0.1:5000/", "http://[::1]:8080", "https://user@host.example.", "//host"] {
            #expect(BotocoreRefusals.isValidEndpointURL(good), "\(good)")
        }
        for bad in ["not a url", "localhost:9000", "https://", "https://bad_host", "https://a\tb", "https://-x.com"] {
            #expect(!BotocoreRefusals.isValidEndpointURL(bad), "\(bad)")
        }
    }

    @Test func eachRuleAndItsException() {
        #expect(refused(["region": "eu west 1"]) == ["InvalidRegionError"])
        #expect(refused(["max_attempts": "abc"]) == ["ValueError"])
        #expect(refused(["max_attempts": "0"]) == ["InvalidMaxRetryAttemptsError"])
        #expect(refused(["max_attempts": "25"]) == [])
        #expect(refused(["retry_mode": "Standard"]) == ["InvalidRetryModeError"])
        #expect(refused(["defaults_mode": "Standard"]) == [])
        #expect(refused(["defaults_mode": "quick"]) == ["InvalidDefaultsMode"])
        #expect(refused(["endpoint_url": "localhost:9000"]) == ["ValueError: Invalid endpoint"])
        // botocore reads the variable first; the profile's value is then never looked at.
        #expect(refused(["region": "eu west 1"], environment: ["AWS_DEFAULT_REGION": "eu-west-1"]) == [])
        #expect(refused([:], environment: ["AWS_RETRY_MODE": "fast"]) == ["InvalidRetryModeError"])
        // Only the plain key counts: botocore never reads sts_proc_region.
        #expect(refused(["sts_proc_region": "eu west 1"]) == [])
    }
}
