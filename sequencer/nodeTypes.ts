// The node's public shapes are the trader API's port (sequencer/api/NodeApi.ts): one definition.
export type * from "./api/NodeApi.ts";
