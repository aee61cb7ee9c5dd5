import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

// Hardhat cannot download compilers here; the npm `solc` package (pinned to the
// same version in package.json) carries the compiler as soljson.js.
const solcPath = createRequire(import.meta.url).resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatViem],
  solidity: {
    version: "0.8.30",
    path: solcPath,
    settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "prague" },
  },
  paths: { sources: "./contracts" },
});
