import FoundationEssentials
import Testing
@testable import STSProcCore

@Suite struct SAMLAssertionTests {
    private static func response(prefix: String = "saml", protocolPrefix: String = "samlp", roleValues: [String],
                                 duration: String? = "3600", conditionsNotOnOrAfter: String? = nil,
                                 confirmationNotOnOrAfter: String? = nil) -> String {
        let p = prefix.isEmpty ? "" : prefix + ":"
        let declaration = prefix.isEmpty ? "xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\""
                                         : "xmlns:\(prefix)=\"urn:oasis:names:tc:SAML:2.0:assertion\""
        var xml = "<\(protocolPrefix):Response xmlns:\(protocolPrefix)=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        xml += "<\(p)Assertion \(declaration)>"
        if let confirmationNotOnOrAfter {
            xml += "<\(p)Subject><\(p)SubjectConfirmation><\(p)SubjectConfirmationData NotOnOrAfter=\"\(confirmationNotOnOrAfter)\"/></\(p)SubjectConfirmation></\(p)Subject>"
        }
        if let conditionsNotOnOrAfter { xml += "<\(p)Conditions NotOnOrAfter=\"\(conditionsNotOnOrAfter)\"/>" }
        xml += "<\(p)AttributeStatement><\(p)Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">"
        for value in roleValues { xml += "<\(p)AttributeValue>\(value)</\(p)AttributeValue>" }
        xml += "</\(p)Attribute>"
        if let duration {
            xml += "<\(p)Attribute Name=\"https://aws.amazon.com/SAML/Attributes/SessionDuration\"><\(p)AttributeValue>\(duration)</\(p)AttributeValue></\(p)Attribute>"
        }
        xml += "</\(p)AttributeStatement></\(p)Assertion></\(protocolPrefix):Response>"
        return Data(xml.utf8).base64EncodedString()
    }

    private let admin = "arn:aws:iam::111122223333:role/Admin"
    private let reader = "arn:aws:iam::111122223333:role/Reader"
    private let idp = "arn:aws:iam::111122223333:saml-provider/Corp"

    @Test func readsTheTestbedSample() throws {
        let text = String(decoding: try Fixtures.bytes("saml-response.b64"), as: UTF8.self)
        let assertion = try SAMLAssertion(text: text)
        #expect(assertion.roles == [.init(roleARN: "arn:aws:iam::123456789012:role/saml-role",
                                          principalARN: "arn:aws:iam::123456789012:saml-provider/test-idp")])
        #expect(assertion.notOnOrAfter == nil)
    }

    @Test(arguments: [("saml", "samlp"), ("saml2", "saml2p"), ("", "p"), ("a", "b")])
    func prefixesDoNotMatterNamespacesDo(_ prefix: String, _ protocolPrefix: String) throws {
        let assertion = try SAMLAssertion(text: Self.response(prefix: prefix, protocolPrefix: protocolPrefix,
                                                              roleValues: ["\(admin),\(idp)"]))
        #expect(assertion.roles.map(\.roleARN) == [admin])
    }

    @Test func rolePairsMayComeInEitherOrder() throws {
        let assertion = try SAMLAssertion(text: Self.response(roleValues: ["\(admin),\(idp)", "\(idp), \(reader)"]))
        #expect(assertion.roles == [.init(roleARN: admin, principalARN: idp), .init(roleARN: reader, principalARN: idp)])
    }

    /// The fuzzer's finding: a pair the IdP sends twice (in either order, e.g. once per
    /// group that grants it) was two choices, so even naming both ARNs failed with "offers
    /// more than one choice".
    @Test func aPairSentTwiceIsOneChoice() throws {
        let assertion = try SAMLAssertion(text: Self.response(roleValues: ["\(admin),\(idp)", "\(reader),\(idp)",
                                                                           "\(idp),\(admin)"]))
        #expect(assertion.roles == [.init(roleARN: admin, principalARN: idp), .init(roleARN: reader, principalARN: idp)])
        #expect(try assertion.choose(roleARN: admin, principalARN: idp) == .init(roleARN: admin, principalARN: idp))
        #expect(try assertion.choose(roleARN: admin, principalARN: nil) == .init(roleARN: admin, principalARN: idp))
    }

    @Test func theEarliestNotOnOrAfterIsTheExpiry() throws {
        let assertion = try SAMLAssertion(text: Self.response(roleValues: ["\(admin),\(idp)"],
                                                              conditionsNotOnOrAfter: "2026-11-22T13:05:07.123Z",
                                                              confirmationNotOnOrAfter: "2026-11-22T12:00:00Z"))
        #expect(assertion.notOnOrAfter?.iso8601 == "2026-11-22T12:00:00Z")
    }

    @Test func toleratesWhatUsersPaste() throws {
        let clean = Self.response(roleValues: ["\(admin),\(idp)"])
        var wrapped = ""
        for (index, character) in clean.enumerated() {
            wrapped.append(character)
            if index % 76 == 75 { wrapped += "\r\n" }
        }
        let urlEncoded = clean.map { $0 == "+" ? "%2B" : $0 == "=" ? "%3D" : $0 == "/" ? "%2F" : String($0) }.joined()
        for text in ["  \n" + clean + "\n\n", wrapped, urlEncoded, "SAMLResponse=" + urlEncoded + "&RelayState=x",
                     String(clean.drop { $0 == "=" }.reversed().drop { $0 == "=" }.reversed())] {
            let assertion = try SAMLAssertion(text: text)
            #expect(assertion.roles.count == 1)
            #expect(assertion.encoded == clean)
        }
    }

    @Test func problemsAreNamed() {
        #expect(throws: SAMLAssertion.Problem.notBase64) { try SAMLAssertion(text: "this is *not* base64!") }
        #expect(throws: SAMLAssertion.Problem.notBase64) { try SAMLAssertion(text: "   ") }
        #expect(throws: SAMLAssertion.Problem.notXML) { try SAMLAssertion(text: Data("plain text".utf8).base64EncodedString()) }
        #expect(throws: SAMLAssertion.Problem.noRoles) { try SAMLAssertion(text: Self.response(roleValues: [])) }
        // A Role attribute in the wrong namespace is not AWS's, and the error says so.
        let foreign = "<r xmlns:x=\"urn:example\"><x:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\"><x:AttributeValue>\(admin),\(idp)</x:AttributeValue></x:Attribute></r>"
        #expect(throws: SAMLAssertion.Problem.rolesOutsideTheNamespace) { try SAMLAssertion(text: Data(foreign.utf8).base64EncodedString()) }
    }

    @Test func choosingARolePair() throws {
        let assertion = try SAMLAssertion(text: Self.response(roleValues: ["\(admin),\(idp)", "\(reader),\(idp)"]))
        #expect(try assertion.choose(roleARN: reader, principalARN: nil).roleARN == reader)
        #expect(try assertion.choose(roleARN: admin, principalARN: idp).principalARN == idp)
        do {
            _ = try assertion.choose(roleARN: "arn:aws:iam::111122223333:role/Other", principalARN: nil)
            Issue.record("unoffered role accepted")
        } catch {
            #expect(error.message.contains(admin))
            #expect(error.message.contains(reader))
        }
        #expect(throws: STSProcError.self) { try assertion.choose(roleARN: nil, principalARN: nil) }
        #expect(throws: STSProcError.self) {
            try assertion.choose(roleARN: admin, principalARN: "arn:aws:iam::111122223333:saml-provider/Other")
        }
        let single = try SAMLAssertion(text: Self.response(roleValues: ["\(admin),\(idp)"]))
        #expect(try single.choose(roleARN: nil, principalARN: nil).roleARN == admin)
    }
}

@Suite struct EncryptedAndOddSAMLTests {
    private func base64(_ xml: String) -> String { PKCE.base64URL(Array(xml.utf8)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") }

    private let encrypted = """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">\
        <saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">\
        <xenc:CipherData><xenc:CipherValue>c2VjcmV0</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>\
        </saml:EncryptedAssertion></samlp:Response>
        """

    @Test func anEncryptedAssertionIsSentWithBothSettings() throws {
        let assertion = try SAMLAssertion(text: base64(encrypted))
        #expect(assertion.isEncrypted && assertion.roles.isEmpty)
        let pair = try assertion.choose(roleARN: "arn:aws:iam::1:role/R", principalARN: "arn:aws:iam::1:saml-provider/P")
        #expect(pair.roleARN == "arn:aws:iam::1:role/R")
        do {
            _ = try assertion.choose(roleARN: "arn:aws:iam::1:role/R", principalARN: nil)
            Issue.record("an encrypted assertion needs both settings")
        } catch {
            #expect(error.message.contains("the SAML assertion is encrypted") && error.message.contains("principal_arn"))
        }
    }

    @Test func roleAttributesInNoNamespaceAreNamedAsSuch() {
        let loose = "<Response><Assertion><AttributeStatement><Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">"
            + "<AttributeValue>arn:aws:iam::1:role/R,arn:aws:iam::1:saml-provider/P</AttributeValue></Attribute>"
            + "</AttributeStatement></Assertion></Response>"
        #expect(throws: SAMLAssertion.Problem.rolesOutsideTheNamespace) { try SAMLAssertion(text: base64(loose)) }
    }

    @Test func anUnreadableExpiryIsRefusedNamingTheValue() {
        let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
            + "<saml:Assertion><saml:Conditions NotOnOrAfter=\"next tuesday\"/><saml:AttributeStatement>"
            + "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\"><saml:AttributeValue>"
            + "arn:aws:iam::1:role/R,arn:aws:iam::1:saml-provider/P</saml:AttributeValue></saml:Attribute>"
            + "</saml:AttributeStatement></saml:Assertion></samlp:Response>"
        #expect(throws: SAMLAssertion.Problem.unreadableExpiry("next tuesday")) { try SAMLAssertion(text: base64(xml)) }
    }

    @Test func longGapsReadInDaysOrYears() {
        #expect(FederatedSignIn.span(25 * 60) == "25 min")
        #expect(FederatedSignIn.span(5 * 3600) == "5 h")
        #expect(FederatedSignIn.span(40 * 86_400) == "40 days")
        #expect(FederatedSignIn.span(5_375_444 * 60) == "10 years")
    }
}
