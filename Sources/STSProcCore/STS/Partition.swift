/// The facts of one AWS partition, from botocore's `data/partitions.json` (1.43): which
/// regions belong to it and its DNS suffixes. One table, so that endpoints of every
/// partition are built the same way.
struct Partition: Sendable, Equatable {
    var id: String
    /// `^<prefix>-\w+-\d+$` for each prefix (the partition's `regionRegex`).
    var regionPrefixes: [String]
    /// Named regions, global pseudo-regions among them.
    var regions: Set<String>
    var dnsSuffix: String
    var dualStackDNSSuffix: String
    /// botocore 1.43 refuses dual-stack for the ISO-E and ISO-F regions (EndpointVariantError).
    var supportsDualStack = true
    /// In GovCloud the regional STS endpoint is already the FIPS one.
    var fipsIsRegional = false

    static let all: [Partition] = [
        Partition(id: "aws", regionPrefixes: ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
                  regions: ["aws-global"], dnsSuffix: "amazonaws.com", dualStackDNSSuffix: "api.aws"),
        Partition(id: "aws-cn", regionPrefixes: ["cn"], regions: ["aws-cn-global"],
                  dnsSuffix: "amazonaws.com.cn", dualStackDNSSuffix: "api.amazonwebservices.com.cn"),
        Partition(id: "aws-eusc", regionPrefixes: ["eusc-de"], regions: [],
                  dnsSuffix: "amazonaws.eu", dualStackDNSSuffix: "api.amazonwebservices.eu"),
        Partition(id: "aws-iso", regionPrefixes: ["us-iso"], regions: ["aws-iso-global"],
                  dnsSuffix: "c2s.ic.gov", dualStackDNSSuffix: "api.aws.ic.gov"),
        Partition(id: "aws-iso-b", regionPrefixes: ["us-isob"], regions: ["aws-iso-b-global"],
                  dnsSuffix: "sc2s.sgov.gov", dualStackDNSSuffix: "api.aws.scloud"),
        Partition(id: "aws-iso-e", regionPrefixes: ["eu-isoe"], regions: ["aws-iso-e-global"],
                  dnsSuffix: "cloud.adc-e.uk", dualStackDNSSuffix: "api.cloud-aws.adc-e.uk", supportsDualStack: false),
        Partition(id: "aws-iso-f", regionPrefixes: ["us-isof"], regions: ["aws-iso-f-global"],
                  dnsSuffix: "csp.hci.ic.gov", dualStackDNSSuffix: "api.aws.hci.ic.gov", supportsDualStack: false),
        Partition(id: "aws-us-gov", regionPrefixes: ["us-gov"], regions: ["aws-us-gov-global"],
                  dnsSuffix: "amazonaws.com", dualStackDNSSuffix: "api.aws", fipsIsRegional: true),
    ]

    /// The console's sign-in and home hosts, for the partitions that have a public console.
    var consoleHosts: (signIn: String, console: String)? {
        switch id {
        case "aws": return ("signin.aws.amazon.com", "console.aws.amazon.com")
        case "aws-cn": return ("signin.amazonaws.cn", "console.amazonaws.cn")
        case "aws-us-gov": return ("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com")
        default: return nil
        }
    }

    /// The partition of a region as the endpoint rules' `aws.partition` picks it: a named
    /// region, else the first whose pattern matches, else `aws`.
    init(region: String) {
        self = Self.all.first { $0.regions.contains(region) }
            ?? Self.all.first { $0.matches(region) }
            ?? Self.all[0]
    }

    private init(id: String, regionPrefixes: [String], regions: Set<String>, dnsSuffix: String, dualStackDNSSuffix: String,
                 supportsDualStack: Bool = true, fipsIsRegional: Bool = false) {
        self.id = id
        self.regionPrefixes = regionPrefixes
        self.regions = regions
        self.dnsSuffix = dnsSuffix
        self.dualStackDNSSuffix = dualStackDNSSuffix
        self.supportsDualStack = supportsDualStack
        self.fipsIsRegional = fipsIsRegional
    }

    private func matches(_ region: String) -> Bool {
        regionPrefixes.contains { prefix in
            guard region.hasPrefix(prefix + "-") else { return false }
            let rest = region.dropFirst(prefix.count + 1)
            guard let dash = rest.lastIndex(of: "-") else { return false }
            let word = rest[..<dash], number = rest[rest.index(after: dash)...]
            return !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                && !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
