"""Pure rationalisation domain: landscape model, rules, proposals, waves and what-if."""
