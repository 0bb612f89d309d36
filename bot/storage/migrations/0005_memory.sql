-- Reserved for memory (issue 4); filled in by that work.
SELECT 1;
