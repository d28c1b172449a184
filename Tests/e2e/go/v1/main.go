// A consumer written against aws-sdk-go (v1), as Debian packages it: it loads a shared
// config profile whose credential_process runs sts-proc, then calls GetCallerIdentity.
// Usage: caller PROFILE STS_ENDPOINT. Prints the caller's ARN; on failure, the SDK's
// error on stderr and exit status 1. The endpoint is set in code because this SDK version
// ignores AWS_ENDPOINT_URL_STS.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sts"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: caller PROFILE STS_ENDPOINT")
		os.Exit(64)
	}
	sess, err := session.NewSessionWithOptions(session.Options{
		Profile:           os.Args[1],
		SharedConfigState: session.SharedConfigEnable,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-sdk-v1 error:", err)
		os.Exit(1)
	}
	client := sts.New(sess, &aws.Config{Endpoint: aws.String(os.Args[2])})
	out, err := client.GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-sdk-v1 error:", err)
		os.Exit(1)
	}
	fmt.Println(aws.StringValue(out.Arn))
}
