import Testing
@testable import STSProcCore

@Suite struct ConsoleSignInTests {
    @Test func eachPartitionSignsInOnItsOwnHosts() throws {
        let commercial = try #require(ConsoleSignIn.endpoints(region: "eu-west-1", configured: nil))
        #expect(commercial == .init(federation: "https://signin.aws.amazon.com/federation", console: "https://console.aws.amazon.com/"))
        let china = try #require(ConsoleSignIn.endpoints(region: "cn-north-1", configured: nil))
        #expect(china == .init(federation: "https://signin.amazonaws.cn/federation", console: "https://console.amazonaws.cn/"))
        let govCloud = try #require(ConsoleSignIn.endpoints(region: "us-gov-west-1", configured: nil))
        #expect(govCloud.federation == "https://signin.amazonaws-us-gov.com/federation")
        #expect(govCloud.console == "https://console.amazonaws-us-gov.com/")
        #expect(ConsoleSignIn.endpoints(region: "us-iso-east-1", configured: nil) == nil)
        #expect(ConsoleSignIn.endpoints(region: "us-east-1", configured: "http://127.0.0.1:9/")?.federation == "http://127.0.0.1:9/federation")
    }

    @Test func urlsCarryTheSessionAndTheToken() throws {
        let endpoints = try #require(ConsoleSignIn.endpoints(region: "us-east-1", configured: nil))
        let credentials = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s/+", sessionToken: "t=")
        #expect(ConsoleSignIn.signinTokenURL(endpoints, credentials: credentials, sessionDuration: 3600)
            == "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session="
            + "%7B%22sessionId%22%3A%22ASIA1%22%2C%22sessionKey%22%3A%22s%2F%2B%22%2C%22sessionToken%22%3A%22t%3D%22%7D")
        #expect(ConsoleSignIn.loginURL(endpoints, signinToken: "TOK", destination: "https://console.aws.amazon.com/")
            == "https://signin.aws.amazon.com/federation?Action=login&Issuer=sts-proc&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=TOK")
        #expect(ConsoleSignIn.defaultDestination(endpoints, region: "eu-west-2") == "https://console.aws.amazon.com/console/home?region=eu-west-2")
    }

    @Test func onlyAPlainTokenIsAccepted() {
        #expect(ConsoleSignIn.signinToken(from: Array(#"{"SigninToken":"abc"}"#.utf8)) == "abc")
        #expect(ConsoleSignIn.signinToken(from: Array(#"{"SigninToken":""}"#.utf8)) == nil)
        #expect(ConsoleSignIn.signinToken(from: Array(#"{"SigninToken":"a b"}"#.utf8)) == nil)
        #expect(ConsoleSignIn.signinToken(from: Array("<html>".utf8)) == nil)
    }
}
