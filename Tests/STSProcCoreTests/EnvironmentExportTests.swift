import Testing
@testable import STSProcCore

@Suite struct EnvironmentExportTests {
    private let temporary = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "a'b\\c$d\"e", sessionToken: "tok",
                                           expiration: UTCTime(secondsSinceEpoch: 1_795_352_707))
    private let longTerm = AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "s")

    @Test func shQuotesEverythingAndUnsetsWhatIsMissing() {
        #expect(EnvironmentExport.render(temporary, format: .sh) == """
            export AWS_ACCESS_KEY_ID='ASIA1'
            export AWS_SECRET_ACCESS_KEY='a'\\''b\\c$d"e'
            export AWS_SESSION_TOKEN='tok'
            export AWS_CREDENTIAL_EXPIRATION='2026-11-22T13:05:07Z'
            """)
        #expect(EnvironmentExport.render(longTerm, format: .sh).hasSuffix("unset AWS_SESSION_TOKEN\nunset AWS_CREDENTIAL_EXPIRATION"))
    }

    @Test func fishPowershellDotenvAndJSON() {
        #expect(EnvironmentExport.render(temporary, format: .fish).contains(#"set -gx AWS_SECRET_ACCESS_KEY 'a\'b\\c$d"e'"#))
        #expect(EnvironmentExport.render(longTerm, format: .fish).hasSuffix("set -e AWS_CREDENTIAL_EXPIRATION"))
        #expect(EnvironmentExport.render(temporary, format: .powershell).contains(#"$Env:AWS_SECRET_ACCESS_KEY = 'a''b\c$d"e'"#))
        #expect(EnvironmentExport.render(temporary, format: .dotenv).contains(#"AWS_SECRET_ACCESS_KEY="a'b\\c\$d\"e""#))
        #expect(!EnvironmentExport.render(longTerm, format: .dotenv).contains("AWS_SESSION_TOKEN"))
        #expect(EnvironmentExport.render(longTerm, format: .json) == #"{"AWS_ACCESS_KEY_ID":"AKIA1","AWS_SECRET_ACCESS_KEY":"s"}"#)
    }
}
