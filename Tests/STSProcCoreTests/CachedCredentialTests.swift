import Testing
@testable import STSProcCore

@Suite struct CachedCredentialTests {
    private let credentials = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s/+", sessionToken: "t",
                                             expiration: UTCTime(secondsSinceEpoch: 1_795_352_707))

    @Test func roundTrips() {
        #expect(CachedCredential.decode(CachedCredential.encode(credentials)) == credentials)
    }

    @Test(arguments: ["", "{", "not json", "[]", #"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-22T13:05:07Z"}"#,
                      #"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2026-11-22T13:05:07Z"}"#,
                      #"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","SessionToken":"t","Expiration":"soon"}"#,
                      #"{"Version":1,"AccessKeyId":"","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-22T13:05:07Z"}"#])
    func corruptItemsDecodeToNothing(_ text: String) {
        #expect(CachedCredential.decode(text) == nil)
    }
}
