/// Turns what went wrong with IAM Identity Center into the one line users see.
enum SSOErrors {
    static func explain(_ failure: SSOFailure, operation: String, session: SSOSession, profile: String?) -> STSProcError {
        let host = operation.hasPrefix("CreateToken") || operation.hasPrefix("RegisterClient")
            || operation.hasPrefix("StartDeviceAuthorization") ? session.oidcURL : session.portalURL
        switch failure {
        case .service(let status, let code, let message):
            let kind: STSProcError.Kind = status >= 500 || status == 429 ? .unavailable : .rejected
            return STSProcError(kind, profile: profile, failure: "\(operation) failed (\(code))",
                                reason: message.isEmpty ? "\(host) answered HTTP \(status)" : message,
                                remedy: status == 429 ? "IAM Identity Center is throttling requests; try again shortly" : "")
        case .transport(let transport):
            return STSProcError(.unavailable, profile: profile, failure: "\(operation) failed: cannot reach \(host)",
                                reason: transport.explanation,
                                remedy: "Check the network, HTTPS_PROXY / NO_PROXY, and AWS_ENDPOINT_URL_SSO / _SSO_OIDC")
        case .unusable(let what):
            return STSProcError(.unavailable, profile: profile, failure: "\(operation) failed",
                                reason: "\(host) answered with \(what)",
                                remedy: "Check that the endpoint is IAM Identity Center (sso_region, AWS_ENDPOINT_URL_SSO)")
        }
    }
}
