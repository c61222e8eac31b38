package endpoints

import "example.com/app/out/pod"

// ShopEndpoint has the name of a class.
type ShopEndpoint struct{}

// Open is served as POST /shop/open.
func (e *ShopEndpoint) Open(s *pod.Session) error { return nil }
