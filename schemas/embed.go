// Package schemas holds the JSON documents sfmcp embeds: the config file's JSON Schema
// and (later) the snapshots of every tool's input schema.
package schemas

import _ "embed"

// ConfigSchema is the JSON Schema (draft 2020-12) of sfmcp's YAML config file.
// It is the authority on which keys exist; package config validates against it.
//
//go:embed config.schema.json
var ConfigSchema []byte
