package endpoints

import "example.com/models/out/pod"

// EchoKeyed sends a Keyed back as it came.
func (e *ModelsEndpoint) EchoKeyed(s *pod.Session, k pod.Keyed) (pod.Keyed, error) {
	return k, nil
}

// EchoLevels sends a set of byIndex enum values back.
func (e *ModelsEndpoint) EchoLevels(s *pod.Session, levels map[pod.Level]struct{}) (map[pod.Level]struct{}, error) {
	return levels, nil
}

// EchoByID sends a map with int keys back.
func (e *ModelsEndpoint) EchoByID(s *pod.Session, m map[int64]string) (map[int64]string, error) {
	return m, nil
}

// MoodOf sends the Mood it was given back: an unknown one arrives as the
// enum's default.
func (e *ModelsEndpoint) MoodOf(s *pod.Session, m pod.Mood) (pod.Mood, error) {
	return m, nil
}
