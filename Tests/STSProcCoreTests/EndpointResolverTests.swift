import Testing
@testable import STSProcCore

@Suite struct EndpointResolverTests {
    private func resolve(_ change: (inout EndpointSettings) -> Void = { _ in }) throws -> STSEndpoint {
        var settings = EndpointSettings(region: "eu-west-1")
        change(&settings)
        return try EndpointResolver.resolve(settings)
    }

    @Test func configuredURLsFollowSpecOrder() throws {
        let all: (inout EndpointSettings) -> Void = {
            $0.serviceEnvironmentURL = "http://service-env"
            $0.globalEnvironmentURL = "http://global-env"
            $0.servicesSectionURL = "http://services-section"
            $0.profileURL = "http://profile"
        }
        #expect(try resolve(all).url == "http://service-env")
        #expect(try resolve { all(&$0); $0.serviceEnvironmentURL = nil }.url == "http://global-env")
        #expect(try resolve { all(&$0); $0.serviceEnvironmentURL = nil; $0.globalEnvironmentURL = nil }.url
                == "http://services-section")
        #expect(try resolve { $0.profileURL = "http://profile" }.url == "http://profile")
        #expect(try resolve { $0.profileURL = "http://profile" }.signingRegion == "eu-west-1")
    }

    @Test func ignoringConfiguredURLsFallsBackToTheRegionalEndpoint() throws {
        let endpoint = try resolve { $0.serviceEnvironmentURL = "http://x"; $0.ignoreConfiguredURLs = true }
        #expect(endpoint.url == "https://sts.eu-west-1.amazonaws.com")
    }

    @Test func regionalPartitionFIPSAndDualStackForms() throws {
        #expect(try resolve().url == "https://sts.eu-west-1.amazonaws.com")
        #expect(try resolve { $0.useFIPS = true }.url == "https://sts-fips.eu-west-1.amazonaws.com")
        #expect(try resolve { $0.useDualStack = true }.url == "https://sts.eu-west-1.api.aws")
        #expect(try resolve { $0.useFIPS = true; $0.useDualStack = true }.url == "https://sts-fips.eu-west-1.api.aws")
        #expect(try resolve { $0.region = "cn-north-1" }.url == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try resolve { $0.region = "cn-north-1"; $0.useDualStack = true }.url
                == "https://sts.cn-north-1.api.amazonwebservices.com.cn")
        #expect(try resolve { $0.region = "us-gov-west-1"; $0.useFIPS = true }.url
                == "https://sts.us-gov-west-1.amazonaws.com")
    }

    @Test func legacyModeUsesTheGlobalEndpointOnlyForLegacyRegions() throws {
        let legacy = try resolve { $0.legacyGlobalEndpoint = true }
        #expect(legacy.url == "https://sts.amazonaws.com")
        #expect(legacy.signingRegion == "us-east-1")
        #expect(try resolve { $0.legacyGlobalEndpoint = true; $0.region = "af-south-1" }.url
                == "https://sts.af-south-1.amazonaws.com")
        #expect(try resolve { $0.region = "aws-global" }.url == "https://sts.amazonaws.com")
    }

    @Test func rejectsBadRegionsAndSchemelessURLs() {
        #expect(throws: STSProcError.self) { try resolve { $0.region = "eu west 1" } }
        #expect(throws: STSProcError.self) { try resolve { $0.region = "evil.com/x" } }
        #expect(throws: STSProcError.self) { try resolve { $0.profileURL = "127.0.0.1:5000" } }
    }
}
