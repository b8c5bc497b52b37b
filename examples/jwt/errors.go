package gojwt

import "fmt"

var sprintf = fmt.Sprintf

// Error is every error this package returns. Its text is "Kind: message", where Kind names
// the PyJWT exception class the Python layer raises for it (DecodeError,
// ExpiredSignatureError, InvalidKeyError, ...). For MissingRequiredClaimError the message is
// the name of the missing claim.
type Error struct {
	Kind string
	Msg  string
}

func (e *Error) Error() string { return e.Kind + ": " + e.Msg }

func newErr(kind, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Kind: kind, Msg: format}
	}
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// The kinds of Error, named after PyJWT's exception classes.
const (
	kindToken          = "InvalidTokenError"
	kindDecode         = "DecodeError"
	kindSignature      = "InvalidSignatureError"
	kindExpired        = "ExpiredSignatureError"
	kindImmature       = "ImmatureSignatureError"
	kindAudience       = "InvalidAudienceError"
	kindIssuer         = "InvalidIssuerError"
	kindIssuedAt       = "InvalidIssuedAtError"
	kindKey            = "InvalidKeyError"
	kindAlgorithm      = "InvalidAlgorithmError"
	kindMissingClaim   = "MissingRequiredClaimError"
	kindSubject        = "InvalidSubjectError"
	kindJTI            = "InvalidJTIError"
	kindJWK            = "PyJWKError"
	kindNotImplemented = "NotImplementedError"
)
