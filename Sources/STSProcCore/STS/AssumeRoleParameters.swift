/// Everything an AssumeRole request carries besides the caller's credentials; validated
/// when built from a profile (see `RoleSettings`), so STS never sees a value we could have caught.
public struct AssumeRoleParameters: Sendable, Equatable {
    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String
    }

    public var roleARN: String
    public var roleSessionName: String
    public var durationSeconds: Int
    public var externalID: String?
    public var policy: String?
    public var policyARNs: [String] = []
    public var tags: [Tag] = []
    public var transitiveTagKeys: [String] = []
    public var sourceIdentity: String?

    /// The STS query parameters, in the order the API documents them.
    var formParameters: [(String, String)] {
        var parameters: [(String, String)] = [
            ("RoleArn", roleARN),
            ("RoleSessionName", roleSessionName),
            ("DurationSeconds", String(durationSeconds)),
        ]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let policy { parameters.append(("Policy", policy)) }
        for (index, arn) in policyARNs.enumerated() {
            parameters.append(("PolicyArns.member.\(index + 1).arn", arn))
        }
        for (index, tag) in tags.enumerated() {
            parameters.append(("Tags.member.\(index + 1).Key", tag.key))
            parameters.append(("Tags.member.\(index + 1).Value", tag.value))
        }
        for (index, key) in transitiveTagKeys.enumerated() {
            parameters.append(("TransitiveTagKeys.member.\(index + 1)", key))
        }
        if let sourceIdentity { parameters.append(("SourceIdentity", sourceIdentity)) }
        return parameters
    }
}
