package endpoints

import "example.com/app/out/pod"

// ReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportEndpoint is too long a name for the files it becomes.
type ReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportEndpoint struct{}

// Get is a method.
func (e *ReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportReportEndpoint) Get(s *pod.Session) (string, error) {
	return "", nil
}
