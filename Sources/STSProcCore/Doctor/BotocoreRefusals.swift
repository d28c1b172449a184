/// Values in the profile an SDK loads that botocore refuses when it creates a client,
/// before it ever runs credential_process: the AWS CLI then fails whatever sts-proc
/// would do. Each rule mirrors botocore's own check (botocore 1.43, named per rule), and
/// the end-to-end tests compare every one with botocore itself. Environment variables
/// come first, as botocore's config chain reads them.
enum BotocoreRefusals {
    struct Refusal: Equatable {
        /// Where the value came from: `region` or `AWS_DEFAULT_REGION`.
        var origin: String
        var value: String
        /// botocore's exception, so the user can match the SDK's message.
        var exception: String
        var expected: String
    }

    static func check(_ profile: Profile, environment: [String: String]) -> [Refusal] {
        var refusals: [Refusal] = []
        func value(_ key: String, _ variable: String) -> (origin: String, value: String)? {
            // botocore's EnvironmentProvider takes a variable that is set, even when empty.
            if let set = environment[variable] { return (variable, set) }
            return profile.botocoreSetting(key).map { (key, $0) }
        }
        // utils.validate_region_name
        if let (origin, region) = value("region", "AWS_DEFAULT_REGION"), !isValidRegionName(region) {
            refusals.append(.init(origin: origin, value: region, exception: "InvalidRegionError",
                                  expected: "a region name such as eu-west-1"))
        }
        // session config 'max_attempts' is int(); config._validate_retry_configuration wants >= 1
        if let (origin, text) = value("max_attempts", "AWS_MAX_ATTEMPTS") {
            switch pythonInt(text) {
            case nil:
                refusals.append(.init(origin: origin, value: text, exception: "ValueError", expected: "a whole number of at least 1"))
            case let number? where number < 1:
                refusals.append(.init(origin: origin, value: text, exception: "InvalidMaxRetryAttemptsError",
                                      expected: "a whole number of at least 1"))
            default: break
            }
        }
        // config._validate_retry_configuration: case-sensitive
        if let (origin, mode) = value("retry_mode", "AWS_RETRY_MODE"), !["legacy", "standard", "adaptive"].contains(mode) {
            refusals.append(.init(origin: origin, value: mode, exception: "InvalidRetryModeError",
                                  expected: "legacy, standard or adaptive"))
        }
        // session._resolve_defaults_mode: compared lower-cased
        if let (origin, mode) = value("defaults_mode", "AWS_DEFAULTS_MODE"),
           !["legacy", "auto", "standard", "in-region", "cross-region", "mobile"].contains(mode.lowercased()) {
            refusals.append(.init(origin: origin, value: mode, exception: "InvalidDefaultsMode",
                                  expected: "legacy, auto, standard, in-region, cross-region or mobile"))
        }
        // endpoint.EndpointCreator.create_endpoint: utils.is_valid_endpoint_url / is_valid_ipv6_endpoint_url
        if let (origin, url) = value("endpoint_url", "AWS_ENDPOINT_URL"), !url.isEmpty, !isValidEndpointURL(url) {
            refusals.append(.init(origin: origin, value: url, exception: "ValueError: Invalid endpoint",
                                  expected: "a URL with a scheme and a host, such as https://sts.example.com"))
        }
        return refusals
    }

    /// botocore's host-label rule `^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$`.
    static func isValidRegionName(_ region: String) -> Bool {
        let scalars = Array(region.unicodeScalars)
        return scalars.count <= 63 && scalars.allSatisfy { $0.isASCII && (isAlphanumeric($0) || $0 == "-") }
            && scalars.first != "-" && scalars.last != "-"
            && !(scalars.allSatisfy { ("0"..."9").contains($0) } && !scalars.isEmpty)
    }

    /// Python's `int(text)` for ASCII text: surrounding white space, an optional sign, digits
    /// with single underscores between them.
    static func pythonInt(_ text: String) -> Int? {
        var body = Substring(text.trimmingWhitespace())
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" { negative = sign == "-"; body = body.dropFirst() }
        guard let first = body.first, first != "_", body.last != "_", !body.contains("__"),
              body.allSatisfy({ $0.isASCIIDigit || $0 == "_" }), first.isASCIIDigit else { return nil }
        guard let magnitude = Int(body.filter { $0 != "_" }) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// `urlsplit(url).hostname` checked against botocore's DNS-name pattern, or an IPv6
    /// literal in brackets; tab, CR and LF anywhere make it invalid.
    static func isValidEndpointURL(_ url: String) -> Bool {
        guard !url.contains(where: { $0 == "\t" || $0 == "\r" || $0 == "\n" }) else { return false }
        var rest = Substring(url)
        // urlsplit takes a scheme only when it is letters, digits, + - . after a letter.
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isASCII, first.isLetter,
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
            rest = rest[rest.index(after: colon)...]
        }
        guard rest.hasPrefix("//") else { return false }
        var netloc = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = netloc.lastIndex(of: "@") { netloc = netloc[netloc.index(after: at)...] }
        if netloc.hasPrefix("[") {
            guard let close = netloc.firstIndex(of: "]") else { return false }
            let address = netloc[netloc.index(after: netloc.startIndex)..<close]
            return !address.isEmpty && address.contains(":")
                && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }
        }
        var host = netloc.prefix { $0 != ":" }
        guard !host.isEmpty, host.count <= 255 else { return false }
        if host.last == "." { host = host.dropLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && (isAlphanumeric($0) || $0 == "-") }
        }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
