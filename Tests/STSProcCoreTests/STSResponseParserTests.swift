import Testing
@testable import STSProcCore

@Suite struct STSResponseParserTests {
    @Test func readsAssumeRoleCredentials() throws {
        let reply = STSResponseParser.parse(try Fixtures.bytes("assume-role.xml"))
        guard case .credentials(let credentials) = reply else {
            Issue.record("expected credentials, got \(reply)")
            return
        }
        #expect(credentials.accessKeyID == "ASIARZPUZDIKLEVZVBRG")
        #expect(credentials.secretAccessKey == "FccknviZsD0XZ+qJQuJae470GUY1y0TszdD4jTOW")
        #expect(credentials.sessionToken?.hasPrefix("FQoGZXIvYXdzEBYaDSwz7") == true)
        #expect(credentials.expiration?.iso8601 == "2026-11-22T02:58:18Z")
    }

    @Test(arguments: ["assume-role-with-saml.xml", "assume-role-with-web-identity.xml", "auth-on-assume-role-ok.xml"])
    func readsEveryCredentialShape(_ fixture: String) throws {
        guard case .credentials(let credentials) = STSResponseParser.parse(try Fixtures.bytes(fixture)) else {
            Issue.record("no credentials in \(fixture)")
            return
        }
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.expiration != nil)
    }

    @Test func readsCallerIdentity() throws {
        let reply = STSResponseParser.parse(try Fixtures.bytes("get-caller-identity-assumed-role.xml"))
        #expect(reply == .callerIdentity(account: "123456789012",
                                         arn: "arn:aws:sts::123456789012:assumed-role/ci-role/sess1",
                                         userID: "AROA3X42LBCDU6KIBW7G6:sess1"))
    }

    @Test(arguments: [
        ("error-access-denied.xml", "AccessDenied", "is not authorized to perform: sts:AssumeRole"),
        ("error-invalid-client-token-id.xml", "InvalidClientTokenId", "The security token included in the request is invalid."),
        ("error-signature-does-not-match.xml", "SignatureDoesNotMatch", "The request signature we calculated"),
        ("error-validation-rolesessionname.xml", "ValidationError", "failed to satisfy constraint"),
    ])
    func readsBothErrorShapes(_ fixture: String, _ code: String, _ messagePart: String) throws {
        guard case .error(let parsedCode, let message) = STSResponseParser.parse(try Fixtures.bytes(fixture)) else {
            Issue.record("no error in \(fixture)")
            return
        }
        #expect(parsedCode == code)
        #expect(message.contains(messagePart))
    }

    @Test func htmlIsUnrecognizedNotACrash() throws {
        let reply = STSResponseParser.parse(try Fixtures.bytes("error-500-missing-rolearn.html"))
        #expect(reply == .unrecognized("an HTML page, not an STS response"))
    }

    @Test func truncatedGarbageAndEmptyBodiesAreUnrecognized() throws {
        let full = try Fixtures.bytes("assume-role.xml")
        #expect(STSResponseParser.parse(Array(full.prefix(full.count / 2))) == .unrecognized("malformed or truncated XML"))
        #expect(STSResponseParser.parse(Array("\u{1}\u{2}binary".utf8)) == .unrecognized("a body that is not XML"))
        #expect(STSResponseParser.parse([]) == .unrecognized("an empty body"))
    }

    /// The sts-response fuzz target's property, broken by a body that is one long element:
    /// the error line quoted the whole name (up to libxml2's 50,000 characters).
    @Test func anUnknownRootElementIsQuotedShort() {
        let name = String(repeating: "A", count: 5000)
        #expect(STSResponseParser.parse(Array("<\(name)/>".utf8))
            == .unrecognized("XML with root element <\(name.prefix(64))…>, not an STS response"))
        #expect(STSResponseParser.parse(Array("<Foo/>".utf8)) == .unrecognized("XML with root element <Foo>, not an STS response"))
    }

    @Test func credentialsMissingAFieldAreUnrecognized() {
        let body = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
            + "<SecretAccessKey>s</SecretAccessKey><Expiration>2026-11-22T02:58:18Z</Expiration>"
            + "</Credentials></AssumeRoleResult></AssumeRoleResponse>"
        guard case .unrecognized = STSResponseParser.parse(Array(body.utf8)) else {
            Issue.record("incomplete credentials accepted")
            return
        }
    }

    @Test func externalEntitiesAreNotExpanded() {
        let body = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<ErrorResponse><Error><Code>X</Code><Message>&x;</Message></Error></ErrorResponse>"
        guard case .error(_, let message) = STSResponseParser.parse(Array(body.utf8)) else { return }
        #expect(!message.contains("root:"))
    }
}
