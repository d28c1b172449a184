internal import CCurl

/// libcurl loaded and initialised once per process, before any handle exists
/// (curl_global_init is not thread-safe against itself; a lazy global runs exactly once).
/// nil when libcurl could not be loaded at all.
private let curlGlobalInitCode: CURLcode? =
    stsproc_curl_available() != 0 ? stsproc_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) : nil

/// Collects the response body up to a limit; libcurl calls `append` through a C callback.
private final class ResponseBuffer {
    var bytes: [UInt8] = []
    let limit: Int
    var overflowed = false
    /// Response header lines, as sent (`Name: value`), for the few headers callers read.
    var headerLines: [String] = []
    init(limit: Int) { self.limit = limit }
}

/// HTTP through one libcurl easy handle, reused across calls so a role chain's requests
/// share the TLS connection. Owns the handle and frees it in `deinit`; not Sendable on purpose.
final class CurlTransport: HTTPTransport {
    private let handle: UnsafeMutableRawPointer

    init() throws(TransportFailure) {
        guard let initCode = curlGlobalInitCode else {
            throw .other("libcurl.so.4 could not be loaded (\(String(cString: stsproc_curl_load_error())))")
        }
        guard initCode == CURLE_OK, let handle = stsproc_curl_easy_init() else {
            throw .other("libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit { stsproc_curl_easy_cleanup(handle) }

    /// Loads and initialises libcurl ahead of the first request (its libraries and
    /// OpenSSL's set-up take a few milliseconds); any thread may call it.
    static func preload() { _ = curlGlobalInitCode }

    func send(_ request: HTTPRequest) throws(TransportFailure) -> HTTPResponse {
        // Every request ends by the run's deadline, whatever its own limits.
        var request = request
        let left = RunDeadline.remaining
        guard left > 0.05 else { throw .timedOut("the run's deadline had passed") }
        let leftMilliseconds = Int(min(left * 1000, Double(Int32.max)))
        request.connectTimeoutMilliseconds = min(request.connectTimeoutMilliseconds, leftMilliseconds)
        request.totalTimeoutMilliseconds = min(request.totalTimeoutMilliseconds, leftMilliseconds)
        stsproc_curl_easy_reset(handle)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let buffer = ResponseBuffer(limit: request.maximumResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { stsproc_curl_slist_free_all(headerList) }

        var headers = request.headers
        if let token = request.signing?.credentials.sessionToken {
            headers.append("X-Amz-Security-Token: \(token)")
        }
        // libcurl sends header text as given: a line break (a session token continued over
        // two config lines, a token file with a stray CR) would start a header of its own.
        // The header's value is a secret, so the message names only where to look.
        guard !headers.contains(where: { $0.contains(where: \.isNewline) }) else {
            throw .other("a token for a request header contains a line break (check the session token, the "
                         + "container authorization token and the instance metadata answer)")
        }
        for header in headers { headerList = stsproc_curl_slist_append(headerList, header) }

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            let context = Unmanaged.passUnretained(buffer).toOpaque()
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }

            set(stsproc_curl_setopt_string(handle, CURLOPT_URL, request.url))
            // Only HTTP(S): an endpoint_url of file:// or similar must not be followed.
            set(stsproc_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(stsproc_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            switch request.method {
            case .get:
                set(stsproc_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            case .put, .post:
                set(stsproc_curl_setopt_long(handle, CURLOPT_POST, 1))
                set(stsproc_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.utf8.count))
                set(stsproc_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, request.body))
                if request.method == .put { set(stsproc_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "PUT")) }
            }
            set(stsproc_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)))
            set(stsproc_curl_setopt_string(handle, CURLOPT_USERAGENT, "sts-proc/\(STSProcVersion.current)"))
            set(stsproc_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds))
            set(stsproc_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.totalTimeoutMilliseconds))
            set(stsproc_curl_setopt_long(handle, CURLOPT_MAXFILESIZE, request.maximumResponseBytes))
            set(stsproc_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorPointer.baseAddress)))
            set(stsproc_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            set(stsproc_curl_setopt_write_function(handle) { data, size, count, context in
                guard let data, let context else { return 0 }
                let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
                let length = size * count
                guard buffer.bytes.count + length <= buffer.limit else {
                    buffer.overflowed = true
                    return 0  // makes libcurl stop with CURLE_WRITE_ERROR
                }
                data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    buffer.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                return length
            })
            set(stsproc_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            set(stsproc_curl_setopt_header_function(handle) { data, size, count, context in
                guard let data, let context else { return 0 }
                let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
                let length = size * count
                if buffer.headerLines.count < 100 {
                    buffer.headerLines.append(data.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    })
                }
                return length
            })
            if let caBundle = request.caBundlePath {
                set(stsproc_curl_setopt_string(handle, CURLOPT_CAINFO, caBundle))
            }
            if let signing = request.signing {
                // libcurl computes SigV4 itself (verified byte-identical to botocore's).
                set(stsproc_curl_setopt_string(handle, CURLOPT_AWS_SIGV4, "aws:amz:\(signing.region):\(signing.service)"))
                set(stsproc_curl_setopt_string(handle, CURLOPT_USERNAME, signing.credentials.accessKeyID))
                set(stsproc_curl_setopt_string(handle, CURLOPT_PASSWORD, signing.credentials.secretAccessKey))
            }
            guard setup == CURLE_OK else { return setup }
            return stsproc_curl_easy_perform(handle)
        }
        var status = 0
        _ = stsproc_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        // The handle points at the error buffer and header list and holds the signing key;
        // clear all of that now rather than at the next call.
        stsproc_curl_easy_reset(handle)

        if buffer.overflowed { throw .responseTooLarge(limit: request.maximumResponseBytes) }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw Self.failure(for: code, detail: detail.isEmpty ? String(cString: stsproc_curl_easy_strerror(code)) : detail,
                               limit: request.maximumResponseBytes)
        }
        return HTTPResponse(status: status, body: buffer.bytes, headers: HTTPResponse.headerFields(buffer.headerLines))
    }

    private static func failure(for code: CURLcode, detail: String, limit: Int) -> TransportFailure {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotConnect(detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_CRL_BADFILE:
            return .tls(detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .connectionBroken(detail)
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(limit: limit)
        default:
            return .other(detail)
        }
    }
}
