/// Pure checks of single profile settings, each returning the typed value or an error that
/// names the setting and the accepted form. Limits are STS's own (API reference, AssumeRole).
enum SettingParsers {
    static func roleARN(_ value: String, key: String = "role_arn") throws(STSProcError) -> String {
        // arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let valid = parts.count == 6 && parts[0] == "arn" && parts[1].hasPrefix("aws") && parts[2] == "iam"
            && parts[3].isEmpty && parts[4].count == 12 && parts[4].allSatisfy(\.isASCIIDigit)
            && parts[5].hasPrefix("role/") && parts[5].count > 5
            && parts[5].dropFirst(5).allSatisfy { isNameCharacter($0) || $0 == "/" }
            && !parts[5].hasSuffix("/")
        guard valid else {
            throw STSProcError(.configuration, failure: "invalid \(key)",
                               reason: "'\(value)' is not an IAM role ARN",
                               remedy: "Use the form arn:aws:iam::123456789012:role/NAME")
        }
        return value
    }

    static func roleSessionName(_ value: String, key: String = "role_session_name") throws(STSProcError) -> String {
        try stsName(value, key: key)
    }

    /// STS's `[\w+=,.@-]{2,64}`, shared by session names and source identities.
    private static func stsName(_ value: String, key: String) throws(STSProcError) -> String {
        guard (2...64).contains(value.count), value.allSatisfy(isNameCharacter) else {
            throw STSProcError(.configuration, failure: "invalid \(key)",
                               reason: "'\(value)' must be 2 to 64 characters of letters, digits and + = , . @ _ -",
                               remedy: "Change \(key) in the profile")
        }
        return value
    }

    static func durationSeconds(_ value: String) throws(STSProcError) -> Int {
        guard let seconds = Int(value.trimmingWhitespace()), (900...43_200).contains(seconds) else {
            throw STSProcError(.configuration, failure: "invalid duration_seconds",
                               reason: "'\(value)' is not a whole number of seconds from 900 to 43200",
                               remedy: "Set duration_seconds between 900 (15 minutes) and 43200 (12 hours), within the role's maximum session duration")
        }
        return seconds
    }

    static func externalID(_ value: String) throws(STSProcError) -> String {
        guard (2...1224).contains(value.count),
              value.allSatisfy({ isNameCharacter($0) || $0 == ":" || $0 == "/" }) else {
            throw STSProcError(.configuration, failure: "invalid external_id",
                               reason: "it must be 2 to 1224 characters of letters, digits and + = , . @ : / _ -",
                               remedy: "Use the external ID the role's owner gave you")
        }
        return value
    }

    static func sourceIdentity(_ value: String) throws(STSProcError) -> String {
        try stsName(value, key: "source_identity")
    }

    static func policy(_ value: String) throws(STSProcError) -> String {
        guard value.trimmingWhitespace().first == "{" else {
            throw STSProcError(.configuration, failure: "invalid policy",
                               reason: "it is not a JSON policy document",
                               remedy: "Set policy to a JSON object such as {\"Version\":\"2012-10-17\",\"Statement\":[…]}")
        }
        return value
    }

    static func policyARNs(_ value: String) throws(STSProcError) -> [String] {
        let arns = commaList(value)
        for arn in arns where !(arn.hasPrefix("arn:aws") && arn.contains(":policy/")) {
            throw STSProcError(.configuration, failure: "invalid policy_arns",
                               reason: "'\(arn)' is not an IAM policy ARN",
                               remedy: "List managed policy ARNs separated by commas, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess")
        }
        return arns
    }

    static func tags(_ value: String) throws(STSProcError) -> [AssumeRoleParameters.Tag] {
        var tags: [AssumeRoleParameters.Tag] = []
        for item in commaList(value) {
            let pieces = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pieces[0].trimmingWhitespace()
            guard pieces.count == 2, !key.isEmpty else {
                throw STSProcError(.configuration, failure: "invalid tags",
                                   reason: "'\(item)' is not KEY=VALUE",
                                   remedy: "Write tags as Key=Value,Key2=Value2")
            }
            tags.append(.init(key: key, value: pieces[1].trimmingWhitespace()))
        }
        return tags
    }

    static func commaList(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    static func positiveInteger(_ value: String, key: String, range: ClosedRange<Int>) throws(STSProcError) -> Int {
        guard let number = Int(value.trimmingWhitespace()), range.contains(number) else {
            throw STSProcError(.configuration, failure: "invalid \(key)",
                               reason: "'\(value)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                               remedy: "Change \(key)")
        }
        return number
    }

    /// A whole number of at least 1, capped at `limit`: botocore takes any integer here
    /// (`AWS_MAX_ATTEMPTS=25` is common with terraform), so a large value must not fail
    /// the fetch; sts-proc simply does not go beyond its own bound.
    static func clampedCount(_ value: String, key: String, limit: Int) throws(STSProcError) -> Int {
        guard let number = Int(value.trimmingWhitespace()), number >= 1 else {
            throw STSProcError(.configuration, failure: "invalid \(key)",
                               reason: "'\(value)' is not a whole number of at least 1", remedy: "Change \(key)")
        }
        return min(number, limit)
    }

    /// A setting with two words, the first the default (unset means `yes`).
    static func choice(_ value: String?, key: String, yes: String, no: String) throws(STSProcError) -> Bool {
        switch value {
        case nil, yes?: return true
        case no?: return false
        case let other?:
            throw STSProcError(.configuration, failure: "invalid \(key)",
                               reason: "'\(other)' is neither \(yes) nor \(no)",
                               remedy: "Set \(key) = \(yes) (the default) or \(no)")
        }
    }

    /// botocore's ensure_boolean: only the word "true", in any case, is true.
    static func boolean(_ value: String?) -> Bool {
        value?.trimmingWhitespace().lowercased() == "true"
    }

    /// STS's `[\w+=,.@-]` for names, restricted to ASCII word characters.
    private static func isNameCharacter(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || character.isNumber || "_+=,.@-".contains(character)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
