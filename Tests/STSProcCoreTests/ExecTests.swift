import Glibc
import Testing
@testable import STSProcCore

@Suite struct ExecTests {
    private let credentials = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s", sessionToken: "t",
                                             expiration: UTCTime(secondsSinceEpoch: 1_795_352_707))
    private let caller = [
        "PATH": "/usr/bin", "AWS_PROFILE": "old", "AWS_DEFAULT_PROFILE": "old", "AWS_ACCESS_KEY_ID": "AKIAOLD",
        "AWS_SECRET_ACCESS_KEY": "old", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/run/token", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_REGION": "us-west-1",
    ]

    @Test func theEndpointReplacesEveryOtherSourceTheSDKsWouldPreferAndKeepsTheRest() {
        let result = ExecEnvironment.make(from: caller, profile: "prod", region: "eu-west-2",
                                          credentials: .endpoint(url: "http://127.0.0.1:1/credentials", token: "abc"))
        #expect(result == [
            "PATH": "/usr/bin", "AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-2",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc", "STS_PROC_EXEC_PROFILE": "prod",
        ])
    }

    @Test func variablesModeAndAProfileWithoutRegion() {
        let result = ExecEnvironment.make(from: caller, profile: "prod", region: nil, credentials: .variables(credentials))
        #expect(result["AWS_ACCESS_KEY_ID"] == "ASIA1" && result["AWS_SESSION_TOKEN"] == "t")
        #expect(result["AWS_CREDENTIAL_EXPIRATION"] == "2026-11-22T13:05:07Z")
        #expect(result["AWS_REGION"] == "us-west-1", "the caller's region stays when the profile has none")
        #expect(result["AWS_PROFILE"] == nil && result["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == nil)
    }

    @Test func theContainerDocumentHasTheFieldsTheSDKsRead() {
        #expect(ContainerCredentialDocument.render(credentials)
            == #"{"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2026-11-22T13:05:07Z"}"#)
        #expect(ContainerCredentialDocument.renderError(code: "C", message: "a \"b\"") == #"{"code":"C","message":"a \"b\""}"#)
    }

    @Test func tokensAreRandomAndComparedWhole() throws {
        let first = try #require(EndpointToken.generate())
        let second = try #require(EndpointToken.generate())
        #expect(first.utf8.count == 64 && first != second)
        #expect(EndpointToken.matches(first, first))
        #expect(!EndpointToken.matches(first, second))
        #expect(!EndpointToken.matches(String(first.dropLast()), first))
        #expect(!EndpointToken.matches("", first))
    }
}
