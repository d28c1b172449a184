// A reference for a cold sts-proc run: the design's three libraries making only the
// essential calls, one after another, as plainly as C allows: one Secret Service search
// that misses, one AssumeRole signed by libcurl's SigV4, the answer parsed by libxml2, one
// item stored. No configuration, no lock, no kernel-keyring copy, no collection check, no
// error handling beyond an exit status. It is not a strict lower bound (sts-proc overlaps
// some of this work on threads; this runs it in sequence), but what sts-proc spends beyond
// it in time and peak memory (cases b and e of BENCHMARKS.md) is its own.
//
// Usage (bench/run.sh builds and runs it): cold_floor ENDPOINT ROLE_ARN KEY_FILE
// KEY_FILE holds "KEY_ID:SECRET" (the moto user's key), so that it is never in argv.
#include <curl/curl.h>
#include <libsecret/secret.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static const SecretSchema schema = {
    "io.github.sts-proc.BenchFloor", SECRET_SCHEMA_DONT_MATCH_NAME,
    {{"application", SECRET_SCHEMA_ATTRIBUTE_STRING}, {"key", SECRET_SCHEMA_ATTRIBUTE_STRING}, {NULL, 0}},
};

struct body { char data[65536]; size_t size; };

static size_t collect(char *chunk, size_t size, size_t count, void *user) {
    struct body *body = user;
    size_t length = size * count;
    if (body->size + length >= sizeof body->data) return 0;
    memcpy(body->data + body->size, chunk, length);
    body->size += length;
    return length;
}

int main(int argc, char **argv) {
    if (argc != 4) return 64;
    char user[512];
    FILE *key_file = fopen(argv[3], "r");
    if (!key_file || !fgets(user, sizeof user, key_file)) return 64;
    fclose(key_file);
    user[strcspn(user, "\n")] = 0;

    gchar *cached = secret_password_lookup_sync(&schema, NULL, NULL, "application", "sts-proc-floor",
                                                "key", "floor", NULL);
    if (cached) { secret_password_free(cached); return 3; }  // the bench clears it first

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    char form[1024];
    char *role = curl_easy_escape(curl, argv[2], 0);
    snprintf(form, sizeof form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=floor&RoleArn=%s", role);
    curl_free(role);
    static struct body body;
    curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:sts");
    curl_easy_setopt(curl, CURLOPT_USERPWD, user);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    long status = 0;
    if (curl_easy_perform(curl) != CURLE_OK) return 3;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return 1;

    xmlDocPtr document = xmlReadMemory(body.data, (int)body.size, "answer.xml", NULL, XML_PARSE_NONET);
    if (!document || !xmlDocGetRootElement(document)) return 3;
    xmlFreeDoc(document);

    GError *error = NULL;
    if (!secret_password_store_sync(&schema, SECRET_COLLECTION_DEFAULT, "sts-proc bench floor", body.data, NULL,
                                    &error, "application", "sts-proc-floor", "key", "floor", NULL))
        return 3;
    fwrite(body.data, 1, body.size, stdout);
    return 0;
}
