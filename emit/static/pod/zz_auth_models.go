package pod

import "time"

// This file stands in for the models apps that enable the auth module get
// generated from the module's protocol YAML (UserInfo with its table
// pod_user_info, AuthenticationResponse, AuthenticationFailReason), so
// that the auth code compiles and is tested here. The types are what
// podgen generates for that YAML, without the JSON codecs and table
// descriptors the auth code does not use. It is not copied into apps.

// UserInfo is a user of the app, signed in with any method.
type UserInfo struct {
	ID             int64
	UserIdentifier string
	UserName       *string
	FullName       *string
	Email          *string
	Created        time.Time
	ImageURL       *string
	ScopeNames     []string
	Blocked        bool
}

// AuthenticationResponse is the answer to a sign-in.
type AuthenticationResponse struct {
	Success    bool
	Key        *string
	KeyID      *int64
	UserInfo   *UserInfo
	FailReason *AuthenticationFailReason
}

// AuthenticationFailReason says why a sign-in failed.
type AuthenticationFailReason string

// The values of AuthenticationFailReason.
const (
	// AuthenticationFailReasonInvalidCredentials is AuthenticationFailReason "invalidCredentials".
	AuthenticationFailReasonInvalidCredentials AuthenticationFailReason = "invalidCredentials"
	// AuthenticationFailReasonUserCreationDenied is AuthenticationFailReason "userCreationDenied".
	AuthenticationFailReasonUserCreationDenied AuthenticationFailReason = "userCreationDenied"
	// AuthenticationFailReasonInternalError is AuthenticationFailReason "internalError".
	AuthenticationFailReasonInternalError AuthenticationFailReason = "internalError"
	// AuthenticationFailReasonTooManyFailedAttempts is AuthenticationFailReason "tooManyFailedAttempts".
	AuthenticationFailReasonTooManyFailedAttempts AuthenticationFailReason = "tooManyFailedAttempts"
	// AuthenticationFailReasonBlocked is AuthenticationFailReason "blocked".
	AuthenticationFailReasonBlocked AuthenticationFailReason = "blocked"
)
