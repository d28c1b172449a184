import Testing
@testable import STSProcCore

@Suite struct CredentialDocumentTests {
    @Test func temporaryCredentialsHaveAllFiveFieldsInOrder() {
        let credentials = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s/e+c", sessionToken: "tok",
                                         expiration: UTCTime(iso8601: "2026-11-22T13:05:07.5Z"))
        #expect(CredentialDocument.json(credentials)
                == #"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s/e+c","SessionToken":"tok","Expiration":"2026-11-22T13:05:07Z"}"#)
    }

    @Test func longTermKeysHaveNoTokenOrExpiration() {
        #expect(CredentialDocument.json(AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "s"))
                == #"{"Version":1,"AccessKeyId":"AKIA1","SecretAccessKey":"s"}"#)
    }

    @Test func escapesJSONSpecials() {
        #expect(CredentialDocument.quoted("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
    }

    @Test func credentialsNeverDescribeTheirSecrets() {
        let credentials = AWSCredentials(accessKeyID: "ASIAABCDWXYZ", secretAccessKey: "TOPSECRET", sessionToken: "TOKEN")
        #expect(!"\(credentials)".contains("TOPSECRET"))
        #expect(!"\(credentials)".contains("TOKEN"))
        #expect("\(credentials)".contains("****WXYZ"))
    }
}
