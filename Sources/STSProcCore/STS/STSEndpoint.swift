/// Where STS calls go and how they are signed.
public struct STSEndpoint: Sendable, Equatable {
    public var url: String
    public var signingRegion: String
    /// Which setting chose the URL, for error messages and `doctor` (e.g. `AWS_ENDPOINT_URL_STS`).
    public var origin: String

    public init(url: String, signingRegion: String, origin: String) {
        self.url = url
        self.signingRegion = signingRegion
        self.origin = origin
    }
}

/// The inputs of endpoint resolution, gathered from the environment and the profile.
struct EndpointSettings: Equatable {
    var serviceEnvironmentURL: String?      // AWS_ENDPOINT_URL_STS
    var globalEnvironmentURL: String?       // AWS_ENDPOINT_URL
    var servicesSectionURL: String?         // [services x] sts = endpoint_url = …
    var profileURL: String?                 // endpoint_url in the profile
    var ignoreConfiguredURLs = false        // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls
    var region: String
    var legacyGlobalEndpoint = false        // sts_regional_endpoints = legacy
    var useFIPS = false
    var useDualStack = false
}

/// The endpoint order (README, "Endpoint and region"), mirroring botocore's configured-endpoint provider and STS's
/// endpoint rules (partitions, FIPS, dual-stack, the legacy global endpoint).
enum EndpointResolver {
    /// Regions that the legacy `sts_regional_endpoints = legacy` mode sends to sts.amazonaws.com
    /// (botocore's LEGACY_GLOBAL_STS_REGIONS).
    static let legacyGlobalRegions: Set<String> = [
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
        "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
        "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ]

    static func resolve(_ settings: EndpointSettings) throws(STSProcError) -> STSEndpoint {
        // botocore checks the region on every path, a configured endpoint included.
        try requireValidRegion(settings.region)
        if let (url, origin) = try configuredURL(settings, serviceVariable: "AWS_ENDPOINT_URL_STS", example: "https://sts.eu-west-1.amazonaws.com") {
            // With a configured endpoint botocore signs for the region as written, even `aws-global`.
            return STSEndpoint(url: url, signingRegion: settings.region, origin: origin)
        }
        return try regionalEndpoint(settings)
    }

    static func requireValidRegion(_ region: String) throws(STSProcError) {
        guard isValidRegionName(region) else {
            throw STSProcError(.configuration, failure: "invalid region",
                               reason: "'\(region)' is not a region name",
                               remedy: "Set region in the profile (or AWS_REGION) to a name such as eu-west-1 (comments go on a line of their own)")
        }
    }

    /// The first configured URL in botocore's order (service variable, `AWS_ENDPOINT_URL`,
    /// `[services]`, `endpoint_url`), for any service; nil when none is set or they are ignored.
    static func configuredURL(_ settings: EndpointSettings, serviceVariable: String,
                              example: String) throws(STSProcError) -> (url: String, origin: String)? {
        let configured: [(String?, String)] = settings.ignoreConfiguredURLs ? [] : [
            (settings.serviceEnvironmentURL, serviceVariable),
            (settings.globalEnvironmentURL, "AWS_ENDPOINT_URL"),
            (settings.servicesSectionURL, "the profile's [services] section"),
            (settings.profileURL, "endpoint_url"),
        ]
        for case let (url?, origin) in configured where !url.isEmpty {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw STSProcError(.configuration, failure: "invalid endpoint",
                                   reason: "\(origin) is '\(url)', which is not an http:// or https:// URL",
                                   remedy: "Set it to a full URL such as \(example)")
            }
            return (url, origin)
        }
        return nil
    }

    private static func regionalEndpoint(_ settings: EndpointSettings) throws(STSProcError) -> STSEndpoint {
        let region = settings.region
        let origin = "region \(region)"
        // `aws-global` is signed for us-east-1 whatever the host (STS's endpoint rules).
        let signingRegion = region == "aws-global" ? "us-east-1" : region
        if !settings.useFIPS && !settings.useDualStack
            && (region == "aws-global" || (settings.legacyGlobalEndpoint && legacyGlobalRegions.contains(region))) {
            return STSEndpoint(url: "https://sts.amazonaws.com", signingRegion: "us-east-1", origin: origin)
        }
        let partition = Partition(region: region)
        // botocore's endpoint data lists no dual-stack variant for these partitions' real
        // regions; their global pseudo-region goes through the rules alone and has one.
        if settings.useDualStack && !partition.supportsDualStack && !partition.regions.contains(region) {
            throw STSProcError(.configuration, failure: "no dual-stack STS endpoint",
                               reason: "partition \(partition.id) (region \(region)) has no dual-stack endpoints",
                               remedy: "Turn off use_dualstack_endpoint (or AWS_USE_DUALSTACK_ENDPOINT) for this profile")
        }
        let host: String
        switch (settings.useFIPS, settings.useDualStack) {
        case (false, false): host = "sts.\(region).\(partition.dnsSuffix)"
        case (false, true): host = "sts.\(region).\(partition.dualStackDNSSuffix)"
        case (true, false): host = partition.fipsIsRegional ? "sts.\(region).\(partition.dnsSuffix)"
                                                            : "sts-fips.\(region).\(partition.dnsSuffix)"
        case (true, true): host = "sts-fips.\(region).\(partition.dualStackDNSSuffix)"
        }
        return STSEndpoint(url: "https://\(host)", signingRegion: signingRegion, origin: origin)
    }

    /// botocore's `validate_region_name`: a host label (letters, digits, inner `-`, at most
    /// 63) that is not all digits. Keeps a typo from turning into a strange host name.
    static func isValidRegionName(_ region: String) -> Bool {
        let bytes = Array(region.utf8)
        guard (1...63).contains(bytes.count), !bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
