package endpoints

import "example.com/models/out/pod"

// EchoEmployee sends an Employee (Person's fields, then its own) back.
func (e *ModelsEndpoint) EchoEmployee(s *pod.Session, v pod.Employee) (pod.Employee, error) {
	return v, nil
}

// EchoManager sends a Manager (Employee's fields, the id among them) back.
func (e *ModelsEndpoint) EchoManager(s *pod.Session, v pod.Manager) (pod.Manager, error) {
	return v, nil
}

// Refuse returns NotAllowed, an exception that extends AppError.
func (e *ModelsEndpoint) Refuse(s *pod.Session, code int64, reason string) error {
	return &pod.NotAllowed{Code: code, Reason: reason}
}

// Fault returns the server-only exception InternalFault, which clients
// only see as a 500.
func (e *ModelsEndpoint) Fault(s *pod.Session, detail string) error {
	return &pod.InternalFault{Detail: detail}
}

// EchoReport fills the fields of Report that never reach clients, then
// sends it back: the answer lacks them.
func (e *ModelsEndpoint) EchoReport(s *pod.Session, v pod.Report) (pod.Report, error) {
	v.Audit = &pod.AuditEntry{Action: "echo " + v.Title, Level: pod.SecrecyHigh}
	high := pod.SecrecyHigh
	v.Secrecy = &high
	return v, nil
}

// EchoScratch sends a Scratch back with its never-serialized fields set:
// the answer lacks them.
func (e *ModelsEndpoint) EchoScratch(s *pod.Session, v pod.Scratch) (pod.Scratch, error) {
	v.Secret = "server " + v.Label
	v.Note.Draft = &v.Label
	n := int64(7)
	v.Local = &n
	return v, nil
}

// ScratchSecret reports what arrived in the never-serialized fields of a
// Scratch: always zero, whatever the request carried.
func (e *ModelsEndpoint) ScratchSecret(s *pod.Session, v pod.Scratch) (string, error) {
	if v.Note.Draft != nil || v.Local != nil {
		return "draft or local arrived", nil
	}
	return v.Secret, nil
}

// EchoNothing sends an empty class back.
func (e *ModelsEndpoint) EchoNothing(s *pod.Session, v pod.Nothing) (pod.Nothing, error) {
	return v, nil
}

// EchoWithEmpty sends a class holding empty classes back.
func (e *ModelsEndpoint) EchoWithEmpty(s *pod.Session, v pod.WithEmpty) (pod.WithEmpty, error) {
	return v, nil
}
