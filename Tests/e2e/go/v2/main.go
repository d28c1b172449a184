// A consumer written against aws-sdk-go-v2, as Debian packages it: it loads a shared
// config profile whose credential_process runs sts-proc, then calls GetCallerIdentity.
// Usage: caller PROFILE STS_ENDPOINT. Prints the caller's ARN; on failure, the SDK's
// error on stderr and exit status 1. The endpoint is set in code because this SDK version
// ignores AWS_ENDPOINT_URL_STS.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: caller PROFILE STS_ENDPOINT")
		os.Exit(64)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(os.Args[1]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-sdk-v2 error:", err)
		os.Exit(1)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.EndpointResolver = sts.EndpointResolverFromURL(os.Args[2])
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-sdk-v2 error:", err)
		os.Exit(1)
	}
	fmt.Println(aws.ToString(out.Arn))
}
