// composecheck loads a Compose file the way Docker Compose v2 does and prints the
// normalized project as JSON, or the loader's error and exit status 1.
//
// Why: this machine (and CI) has no Docker engine and no `docker compose` plugin, yet
// the lab's docker-compose.yaml must be provably valid. Docker Compose v2 is built on
// github.com/compose-spec/compose-go; calling the same loader with the same option
// order gives the same verdict (schema, interpolation, `${VAR:?}` errors, depends_on
// consistency, profiles) without an engine.
//
// Usage:
//
//	composecheck [-f docker-compose.yaml] [--env-file FILE]... [-p NAME]
//	             [--project-directory DIR] [--profile NAME]... [--no-os-env]
//
// With no --profile every profile is enabled ("*"), so services behind `elk` / `efk`
// are checked too. --no-os-env ignores the calling process's environment so a test
// controls interpolation from its env file alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var (
		files, envFiles, profiles multi
		name, projectDir          string
		noOsEnv                   bool
	)
	flag.Var(&files, "f", "compose file (repeatable; default: docker-compose.yaml lookup as Compose does)")
	flag.Var(&envFiles, "env-file", "env file for interpolation (repeatable; default: <project dir>/.env if present)")
	flag.Var(&profiles, "profile", "profile to enable (repeatable; default: all profiles)")
	flag.StringVar(&name, "p", "", "project name (default: from the file's `name:` or the project directory)")
	flag.StringVar(&projectDir, "project-directory", "", "project directory (default: the first compose file's directory)")
	flag.BoolVar(&noOsEnv, "no-os-env", false, "do not import the process environment")
	flag.Parse()

	if len(profiles) == 0 {
		profiles = multi{"*"}
	}

	// Same option order as docker/compose cmd/compose/compose.go ToProjectOptions:
	// OS environment first (it wins), then env files, then the config file lookup.
	opts := []cli.ProjectOptionsFn{cli.WithWorkingDirectory(projectDir)}
	if !noOsEnv {
		opts = append(opts, cli.WithOsEnv)
	}
	opts = append(opts,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithName(name),
		cli.WithProfiles(profiles),
		cli.WithDiscardEnvFile,
		cli.WithResolvedPaths(true),
	)

	po, err := cli.NewProjectOptions(files, opts...)
	if err != nil {
		fail(err)
	}
	project, err := po.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
	os.Stdout.WriteString("\n")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(1)
}
