CREATE TABLE birds (id int PRIMARY KEY, name text);
