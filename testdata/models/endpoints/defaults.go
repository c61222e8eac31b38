package endpoints

import "example.com/models/out/pod"

// EchoDefaults sends a Defaults back as it was decoded: keys the call left
// out hold their model defaults.
func (e *ModelsEndpoint) EchoDefaults(s *pod.Session, d pod.Defaults) (pod.Defaults, error) {
	return d, nil
}

// NewDefaults returns pod.NewDefaults(): a new object made on the server.
func (e *ModelsEndpoint) NewDefaults(s *pod.Session) (pod.Defaults, error) {
	return *pod.NewDefaults(), nil
}

// EchoSettings sends a Settings (a class without a table) back.
func (e *ModelsEndpoint) EchoSettings(s *pod.Session, settings pod.Settings) (pod.Settings, error) {
	return settings, nil
}

// EchoUuidKeyed sends a UuidKeyed, with its UUID id, back.
func (e *ModelsEndpoint) EchoUuidKeyed(s *pod.Session, u pod.UuidKeyed) (pod.UuidKeyed, error) {
	return u, nil
}
