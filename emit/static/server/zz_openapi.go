package server

// This file stands in for the generated openapi.go so that the plumbing can
// be tested here; it is not copied into apps (zz_ prefix).

const openAPIDocument = `{"openapi": "3.1.0"}`
