import Testing
@testable import STSProcCore

@Suite struct FormEncodingTests {
    @Test func leavesOnlyUnreservedCharactersBare() {
        #expect(FormEncoding.percentEncode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(FormEncoding.percentEncode("arn:aws:iam::123456789012:role/Admin")
                == "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdmin")
    }

    @Test func usesUpperCaseHexAndEncodesSpacesAsPercent20() {
        #expect(FormEncoding.percentEncode("a b+c=d&e/é") == "a%20b%2Bc%3Dd%26e%2F%C3%A9")
        #expect(FormEncoding.percentEncode("{\"x\":1}") == "%7B%22x%22%3A1%7D")
    }

    @Test func joinsPairsInOrder() {
        #expect(FormEncoding.encode([("Action", "AssumeRole"), ("RoleSessionName", "a@b")])
                == "Action=AssumeRole&RoleSessionName=a%40b")
    }
}
