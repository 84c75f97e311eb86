// Lint TypeScript sources with the recommended rule sets; formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".scratch/**", "examples/**/node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        process: "readonly",
        console: "readonly",
        module: "writable",
        __dirname: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  // The layers (README, "Layout"): the sandbox is a model of JumpServer and knows nothing
  // of the provider; provider/model/ is pure and knows nothing of the API calls or the client.
  {
    files: ["sandbox/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/provider/**"], message: "sandbox/ never imports provider/" }] },
      ],
    },
  },
  {
    files: ["provider/model/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../api/**", "../client/**", "../lifecycle/**", "../resources/**"],
              message: "provider/model/ is pure: no API calls, client, lifecycle or resources",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read raw JSON answers; typing every one would only restate the server's shapes.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
