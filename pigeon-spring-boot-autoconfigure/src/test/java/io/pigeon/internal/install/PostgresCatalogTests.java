package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * {@link PostgresCatalog} releases what it prepares also when binding a parameter fails (a
 * connection broken between prepare and bind), since the installer's connection goes back to
 * the application's pool.
 */
class PostgresCatalogTests {

	@Test
	void statementIsClosedWhenBindingAParameterFails() throws SQLException {
		Connection connection = mock(Connection.class);
		PreparedStatement statement = mock(PreparedStatement.class);
		given(connection.prepareStatement(anyString())).willReturn(statement);
		SQLException broken = new SQLException("This connection has been closed.");
		willThrow(broken).given(statement).setObject(anyInt(), any());
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> new PostgresCatalog(connection).schemaExists("items"))
			.isSameAs(broken);
		verify(statement).close();
	}

}
