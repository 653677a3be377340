export {
  issueTurnCredentials,
  turnPassword,
  parseTurnUsername,
  verifyTurnUsername,
  type TurnCredentials,
  type IssueOptions,
  type ParsedTurnUsername,
} from "./rest-credentials.js";
